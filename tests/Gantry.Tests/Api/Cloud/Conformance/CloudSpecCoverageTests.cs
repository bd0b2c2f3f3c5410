using System.Reflection;
using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.Api.Cloud.Conformance;

/// <summary>
/// The guard of the conformance tests: every path and method of <c>../shared/spec/openapi-cloud.yaml</c> has a test
/// marked <see cref="SpecOperationAttribute"/> (a new spec path cannot be skipped silently), and every mark names an
/// operation the spec has (no typo hides a gap).
/// </summary>
public sealed class CloudSpecCoverageTests
{
    [Fact]
    public void Every_operation_of_the_Cloud_spec_has_a_conformance_test()
    {
        var spec = OpenApiSchemaValidator.Cloud.Operations.Select(op => $"{op.Method} {op.Path}").ToHashSet(StringComparer.Ordinal);
        spec.Count.ShouldBeGreaterThan(40);
        spec.ShouldContain("HEAD /api/assets/hash/{hash}");

        var covered = typeof(CloudSpecCoverageTests).Assembly.GetTypes()
            .SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Where(method => method.GetCustomAttribute<FactAttribute>() is not null)
            .SelectMany(method => method.GetCustomAttributes<SpecOperationAttribute>().Select(mark => (Mark: mark.ToString(), Test: $"{method.DeclaringType!.Name}.{method.Name}")))
            .ToList();

        var unknown = covered.Where(c => !spec.Contains(c.Mark)).Select(c => $"{c.Mark} (on {c.Test})").ToList();
        unknown.ShouldBeEmpty("these marks name no operation of the Cloud spec");

        var marked = covered.Select(c => c.Mark).ToHashSet(StringComparer.Ordinal);
        var missing = spec.Where(op => !marked.Contains(op)).Order(StringComparer.Ordinal).ToList();
        missing.ShouldBeEmpty($"operations of the Cloud spec without a conformance test:\n{string.Join('\n', missing)}");
    }
}
