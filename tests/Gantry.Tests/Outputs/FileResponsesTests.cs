using Gantry.Api;

namespace Gantry.Tests.Outputs;

/// <summary>The headers files are served with.</summary>
public sealed class FileResponsesTests
{
    [Theory]
    [InlineData("text/html", true)]
    [InlineData("text/html; charset=utf-8", true)]
    [InlineData("image/svg+xml", true)]
    [InlineData("application/javascript", true)]
    [InlineData("TEXT/CSS", true)]
    [InlineData("image/png", false)]
    [InlineData("text/plain", false)]
    [InlineData("video/mp4", false)]
    public void Active_content_is_recognised(string contentType, bool active)
        => FileResponses.IsActiveContent(contentType).ShouldBe(active);

    [Theory]
    [InlineData("cat.png", false, "filename=\"cat.png\"")]
    [InlineData("page.html", true, "attachment; filename=\"page.html\"")]
    [InlineData("say \"hi\".txt", false, "filename=\"say \\\"hi\\\".txt\"")]
    [InlineData("chat-été.png", false, "filename=\"chat-_t_.png\"; filename*=UTF-8''chat-%C3%A9t%C3%A9.png")]
    public void Content_disposition_names_the_file_in_ascii(string filename, bool attachment, string expected)
    {
        var header = FileResponses.ContentDisposition(filename, attachment);
        header.ShouldBe(expected);
        header.All(c => c is >= ' ' and <= '~').ShouldBeTrue();
    }
}
