namespace Gantry.Tests.FakeComfyUi;

/// <summary>A valid 1×1 PNG, and variants that differ in their bytes.</summary>
public static class FakePng
{
    public static readonly byte[] Bytes = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");

    /// <summary>The PNG with <paramref name="marker"/> appended after its end (still displays, hashes differently).</summary>
    public static byte[] Distinct(string marker) => [.. Bytes, .. System.Text.Encoding.UTF8.GetBytes(marker)];
}
