using Gantry.Auth;

namespace Gantry.Tests.Security;

/// <summary>The one redaction helper: what it masks, and what it leaves readable.</summary>
public sealed class SecretsTests
{
    [Theory]
    [InlineData("http://alice:hunter2@gpu.test:8188/", "http://***@gpu.test:8188/")]
    [InlineData("postgresql://gantry:hunter2@db/gantry", "postgresql://***@db/gantry")]
    [InlineData("http://gpu.test/?token=hunter2&x=1", "http://gpu.test/?token=***&x=1")]
    [InlineData("http://gpu.test/ws?clientId=a&api_key=hunter2", "http://gpu.test/ws?clientId=a&api_key=***")]
    [InlineData("Authorization: Bearer hunter2", "Authorization: Bearer ***")]
    [InlineData("sent Bearer hunter2 to it", "sent Bearer *** to it")]
    [InlineData("X-API-Key: hunter2", "X-API-Key: ***")]
    [InlineData("Host=db;Username=gantry;Password=hunter2;Database=g", "Host=db;Username=gantry;Password=***;Database=g")]
    [InlineData("Host=db;password = \"hunter 2\"", "Host=db;password=***")]
    [InlineData("key gk_AbCdEfGhIjKlMnOp leaked", "key *** leaked")]
    [InlineData("http://gpu.test:8188/prompt", "http://gpu.test:8188/prompt")]
    [InlineData("Connection refused (gpu.test:8188)", "Connection refused (gpu.test:8188)")]
    public void Redact_masks_secrets_and_keeps_the_rest(string text, string expected) => Secrets.Redact(text).ShouldBe(expected);

    [Fact]
    public void A_command_line_loses_the_values_of_secret_options_and_the_secrets_inside_others()
    {
        string[] args =
        [
            "gantry.dll", "serve", "--store", "Host=db;Password=hunter2", "--Gantry:Workers:ComfyUi:0:AuthHeader=X-Custom: hunter2",
            "--Gantry:Workers:ComfyUi:0:Url=http://u:hunter2@gpu.test/", "--password", "hunter2", "--urls", "http://127.0.0.1:8188",
        ];

        var redacted = Secrets.RedactCommandLine(args);

        redacted.ShouldBe(
        [
            "gantry.dll", "serve", "--store", "Host=db;Password=***", "--Gantry:Workers:ComfyUi:0:AuthHeader=***",
            "--Gantry:Workers:ComfyUi:0:Url=http://***@gpu.test/", "--password", "***", "--urls", "http://127.0.0.1:8188",
        ]);
    }
}
