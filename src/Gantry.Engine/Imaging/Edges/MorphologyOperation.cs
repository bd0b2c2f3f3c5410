namespace Gantry.Engine.Imaging.Edges;

/// <summary>The operations of ComfyUI's Morphology node (kornia.morphology).</summary>
public enum MorphologyOperation
{
    Erode,
    Dilate,
    Open,
    Close,
    Gradient,
    BottomHat,
    TopHat,
}
