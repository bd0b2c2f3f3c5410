namespace Gantry.Engine.Tests;

public sealed class SmokeTests
{
    [Fact]
    public void Runs() => Gantry.Engine.EngineInfo.ComfyUiCompatibleVersion.ShouldNotBeEmpty();
}
