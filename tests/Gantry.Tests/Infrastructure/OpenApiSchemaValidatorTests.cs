using System.Text.Json;

namespace Gantry.Tests.Infrastructure;

/// <summary>The spec validator itself: both specs load, conforming bodies pass, each kind of violation is caught.</summary>
public sealed class OpenApiSchemaValidatorTests
{
    private const string GoodAsset = """
        {"id":"0b6f0f5e-6d7b-4f43-9b1a-3c7d2f0a9e11","name":"a.png","size":3,"created_at":"2026-12-05T12:00:00Z",
         "updated_at":"2026-12-05T12:00:00Z","asset_hash":"blake3:0000000000000000000000000000000000000000000000000000000000000000",
         "prompt_id":null,"tags":["input"],"user_metadata":{"a":1},"created_new":true}
        """;

    [Fact]
    public void A_conforming_answer_passes()
    {
        OpenApiSchemaValidator.Cloud.ValidateResponse("/api/assets", "POST", 201, Parse(GoodAsset)).ShouldBeEmpty();
        OpenApiSchemaValidator.Cloud.ValidateResponse("/api/assets/{id}", "GET", 404, Parse("""{"code":"not_found","message":"x"}""")).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("\"id\":\"0b6f0f5e-6d7b-4f43-9b1a-3c7d2f0a9e11\"", "\"id\":\"not-a-uuid\"")]
    [InlineData("\"size\":3", "\"size\":\"3\"")]
    [InlineData("\"created_at\":\"2026-12-05T12:00:00Z\"", "\"created_at\":\"yesterday\"")]
    [InlineData("\"asset_hash\":\"blake3:", "\"asset_hash\":\"sha256:")]
    [InlineData(",\"created_new\":true", "")]
    [InlineData("\"tags\":[\"input\"]", "\"tags\":[1]")]
    [InlineData("\"prompt_id\":null", "\"prompt_id\":5")]
    public void Each_violation_is_reported(string good, string bad)
    {
        GoodAsset.ShouldContain(good);
        OpenApiSchemaValidator.Cloud.ValidateResponse("/api/assets", "POST", 201, Parse(GoodAsset.Replace(good, bad, StringComparison.Ordinal))).ShouldNotBeEmpty();
    }

    [Fact]
    public void Undocumented_answers_and_operations_are_problems()
    {
        OpenApiSchemaValidator.Cloud.ValidateResponse("/api/assets/{id}", "GET", 418, Parse("{}")).ShouldNotBeEmpty();
        OpenApiSchemaValidator.Cloud.ValidateResponse("/api/nowhere", "GET", 200, Parse("{}")).ShouldNotBeEmpty();
    }

    [Fact]
    public void The_v2_spec_loads_and_its_response_references_resolve()
    {
        var envelope = OpenApiSchemaValidator.V2.ValidateResponse("/api/v2/assets/{id}", "GET", 404, Parse("{}"));
        envelope.ShouldNotBeEmpty();   // an ErrorEnvelope has required fields
        envelope.ShouldNotContain(problem => problem.Contains("documents no", StringComparison.Ordinal));
    }

    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
