namespace Gantry.Tests.Api.Cloud.Conformance;

/// <summary>
/// Marks a conformance test as covering one operation of the Cloud spec (<c>GET /api/jobs</c>): its normal answer and its
/// documented errors. <see cref="CloudSpecCoverageTests"/> fails when an operation of the spec has no such test.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
internal sealed class SpecOperationAttribute(string method, string path) : Attribute
{
    public string Method { get; } = method;

    public string Path { get; } = path;

    public override string ToString() => $"{Method} {Path}";
}
