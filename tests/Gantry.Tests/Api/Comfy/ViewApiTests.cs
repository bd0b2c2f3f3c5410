using System.Net;
using System.Net.Http.Headers;
using Gantry.Outputs;
using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.Api.Comfy;

/// <summary><c>/view</c> (the bytes), <c>/api/view</c> (302 to a signed link) and the signed <c>/api/files/{sha256}</c>.</summary>
public abstract class ViewApiTests(ServerFixture fixture) : ServerTestBase(fixture)
{
    private static readonly byte[] Image = TestFiles.Png(4, 3);

    [Fact]
    public async Task View_answers_the_bytes_with_type_and_name()
    {
        using var user = await OwnerWithFilesAsync();
        using var response = await user.Client.GetAsync("view?filename=result.png&type=output&subfolder=renders", TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("image/png");
        response.Content.Headers.GetValues("Content-Disposition").ShouldHaveSingleItem().ShouldBe("filename=\"result.png\"");
        response.Headers.GetValues("X-Content-Type-Options").ShouldHaveSingleItem().ShouldBe("nosniff");
        (await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken)).ShouldBe(Image);
    }

    [Theory]
    [InlineData("view?filename=result.png [output]&type=input&subfolder=renders")]
    [InlineData("view?filename=elsewhere/result.png&subfolder=renders")]
    [InlineData("view?filename=result.png&subfolder=renders/")]
    [InlineData("view?filename=result.png&subfolder=./renders")]
    public async Task The_annotation_wins_and_only_the_basename_counts(string path)
    {
        using var user = await OwnerWithFilesAsync();
        using var response = await user.Client.GetAsync(path, TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken)).ShouldBe(Image);
    }

    [Fact]
    public async Task A_range_request_gets_206_with_just_those_bytes()
    {
        using var user = await OwnerWithFilesAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "view?filename=result.png&subfolder=renders");
        request.Headers.Range = new RangeHeaderValue(1, 4);
        using var response = await user.Client.SendAsync(request, TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.PartialContent);
        response.Content.Headers.ContentRange!.ToString().ShouldBe($"bytes 1-4/{Image.Length}");
        (await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken)).ShouldBe(Image[1..5]);
    }

    [Fact]
    public async Task Active_content_is_sent_as_an_octet_stream_attachment()
    {
        using var user = await OwnerWithFilesAsync();
        using var response = await user.Client.GetAsync("view?filename=page.html&subfolder=renders", TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/octet-stream");
        response.Content.Headers.GetValues("Content-Disposition").ShouldHaveSingleItem().ShouldBe("attachment; filename=\"page.html\"");
        response.Headers.GetValues("X-Content-Type-Options").ShouldHaveSingleItem().ShouldBe("nosniff");
    }

    [Theory]
    [InlineData("view?filename=../result.png&subfolder=renders")]
    [InlineData("view?filename=/etc/passwd")]
    [InlineData("view?filename=result.png&subfolder=../../etc")]
    [InlineData("view?filename=result.png&subfolder=/renders")]
    [InlineData("view?filename=result.png&subfolder=renders&type=models")]
    [InlineData("view?subfolder=renders")]
    [InlineData("api/view?filename=..%2F..%2Fgantry.db")]
    public async Task Unsafe_or_malformed_requests_get_400(string path)
    {
        using var user = await OwnerWithFilesAsync();
        using var response = await user.Client.GetAsync(path, TestContext.Current.CancellationToken);
        await response.ShouldBeErrorAsync(HttpStatusCode.BadRequest, "invalid_parameter");
    }

    [Theory]
    [InlineData("view")]
    [InlineData("api/view")]
    public async Task Missing_files_and_other_users_files_are_404(string route)
    {
        using var owner = await OwnerWithFilesAsync();
        using var stranger = await Server.CreateUserAsync();
        foreach (var (client, query) in new[]
        {
            (stranger.Client, "filename=result.png&subfolder=renders"),
            (owner.Client, "filename=result.png"),
            (owner.Client, "filename=result.png&subfolder=renders&type=temp"),
            (owner.Client, "filename=nothing.png&subfolder=renders"),
        })
        {
            using var response = await client.GetAsync($"{route}?{query}", TestContext.Current.CancellationToken);
            await response.ShouldBeErrorAsync(HttpStatusCode.NotFound, "not_found");
        }
    }

    [Fact]
    public async Task Api_view_redirects_to_a_signed_link_that_works_without_the_key()
    {
        using var user = await OwnerWithFilesAsync();
        var location = await RedirectAsync(user.Client, "api/view?filename=result.png&subfolder=renders&type=output");
        location.IsAbsoluteUri.ShouldBeTrue();
        location.AbsolutePath.ShouldStartWith("/api/files/");

        using var anonymous = Server.CreateClient(apiKey: null);
        using (var response = await anonymous.GetAsync(location, TestContext.Current.CancellationToken))
        {
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            response.Content.Headers.ContentType!.MediaType.ShouldBe("image/png");
            response.Content.Headers.GetValues("Content-Disposition").ShouldHaveSingleItem().ShouldBe("filename=\"result.png\"");
            (await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken)).ShouldBe(Image);
        }

        using var range = new HttpRequestMessage(HttpMethod.Get, location);
        range.Headers.Range = new RangeHeaderValue(0, 7);
        using var partial = await anonymous.SendAsync(range, TestContext.Current.CancellationToken);
        partial.StatusCode.ShouldBe(HttpStatusCode.PartialContent);
        (await partial.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken)).ShouldBe(Image[..8]);
    }

    [Fact]
    public async Task Tampered_or_expired_links_get_403()
    {
        using var user = await OwnerWithFilesAsync();
        var location = (await RedirectAsync(user.Client, "api/view?filename=result.png&subfolder=renders")).ToString();
        using var anonymous = Server.CreateClient(apiKey: null);
        var sha256 = new Uri(location).AbsolutePath["/api/files/".Length..];
        var tampered = new[]
        {
            location.Replace("filename=result.png", "filename=other.png", StringComparison.Ordinal),
            location.Replace("&sig=", "&sig=A", StringComparison.Ordinal),
            location[..location.IndexOf("&sig=", StringComparison.Ordinal)],
            location.Replace(sha256, new string('0', 64), StringComparison.Ordinal),
        };
        var expired = Server.GetService<SignedFileUrls>().CreatePath(sha256, "result.png", DateTimeOffset.UtcNow.AddMinutes(-1));
        foreach (var url in tampered.Append(expired.TrimStart('/')))
        {
            using var response = await anonymous.GetAsync(url, TestContext.Current.CancellationToken);
            await response.ShouldBeErrorAsync(HttpStatusCode.Forbidden, "forbidden");
        }
    }

    /// <summary>A new user with two outputs of one job in subfolder <c>renders</c>: <c>result.png</c> and <c>page.html</c>.</summary>
    private async Task<TestUser> OwnerWithFilesAsync()
    {
        var user = await Server.CreateUserAsync();
        var jobId = await JobDriver.SubmitAsync(user.Client);
        await TestFiles.ImportOutputsAsync(Server, user.User.Id, jobId, "renders", new Dictionary<string, byte[]>
        {
            ["result.png"] = Image,
            ["page.html"] = "<script>alert(1)</script>"u8.ToArray(),
        });
        return user;
    }

    private async Task<Uri> RedirectAsync(HttpClient client, string path)
    {
        using var noRedirects = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = Server.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-API-Key", client.DefaultRequestHeaders.GetValues("X-API-Key"));
        using var response = await noRedirects.SendAsync(request, TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.Found);
        return response.Headers.Location!;
    }
}

public sealed class ViewApiSqliteTests(SqliteServerFixture fixture) : ViewApiTests(fixture), IClassFixture<SqliteServerFixture>;

public sealed class ViewApiPostgresTests(PostgresServerFixture fixture) : ViewApiTests(fixture), IClassFixture<PostgresServerFixture>;
