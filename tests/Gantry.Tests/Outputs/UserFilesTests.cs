using Gantry.Api;
using Gantry.Store;
using Gantry.Outputs;
using Microsoft.AspNetCore.Http;

namespace Gantry.Tests.Outputs;

/// <summary>File names and folders as ComfyUI clients give them, and the paths they may never reach.</summary>
public sealed class UserFilesTests
{
    [Theory]
    [InlineData(null, "")]
    [InlineData("", "")]
    [InlineData("a", "a")]
    [InlineData("a/b/", "a/b")]
    [InlineData("a\\b", "a/b")]
    [InlineData("./a//b/.", "a/b")]
    [InlineData("..", null)]
    [InlineData("a/../b", null)]
    [InlineData("a\\..\\..\\b", null)]
    [InlineData("/etc", null)]
    [InlineData("\\server\\share", null)]
    [InlineData("C:/Windows", null)]
    public void Subfolders_are_made_canonical_or_refused(string? subfolder, string? expected)
        => UserFiles.NormalizeSubfolder(subfolder).ShouldBe(expected);

    [Theory]
    [InlineData("cat.png", "cat.png")]
    [InlineData("masks/cat.png", "cat.png")]
    [InlineData("masks\\cat.png", "cat.png")]
    [InlineData("cat..png", "cat..png")]
    [InlineData("../cat.png", null)]
    [InlineData("/etc/passwd", null)]
    [InlineData("a/", null)]
    [InlineData("..", null)]
    [InlineData("  ", null)]
    [InlineData("", null)]
    public void Only_a_safe_basename_is_kept(string name, string? expected)
        => UserFiles.BaseName(name).ShouldBe(expected);

    [Theory]
    [InlineData("cat.png [output]", "cat.png", "output")]
    [InlineData("cat.png [input]", "cat.png", "input")]
    [InlineData("cat.png[temp]", "cat.png", "temp")]
    [InlineData("cat.png", "cat.png", null)]
    [InlineData("cat.png [models]", "cat.png [models]", null)]
    public void The_folder_annotation_is_split_off(string name, string expectedName, string? expectedType)
        => UserFiles.SplitAnnotation(name).ShouldBe((expectedName, expectedType));

    [Fact]
    public void The_input_directory_is_per_user_under_the_data_folder_and_paths_stay_inside_it()
    {
        var options = new DataOptions { DataDirectory = "/srv/gantry-data" };
        UserFiles.InputDirectory(options, 42).ShouldBe("/srv/gantry-data/inputs/42");
        UserFiles.InputPath(options, 42, "sub", "cat.png").ShouldBe("/srv/gantry-data/inputs/42/sub/cat.png");
        UserFiles.InputPath(options, 42, "", "../43/cat.png").ShouldBeNull();
    }

    [Theory]
    [InlineData("?filename=cat.png", "output", "", "cat.png")]
    [InlineData("?filename=cat.png&type=input&subfolder=a/b/", "input", "a/b", "cat.png")]
    [InlineData("?filename=x/cat.png [temp]&type=output", "temp", "", "cat.png")]
    public void View_requests_are_read_as_comfyui_reads_them(string query, string type, string subfolder, string filename)
    {
        var request = FileRequest.Read(QueryOf(query), out var error);
        error.ShouldBeNull();
        request.ShouldBe(new FileRequest(type, subfolder, filename));
    }

    [Theory]
    [InlineData("")]
    [InlineData("?filename=")]
    [InlineData("?filename=../x.png")]
    [InlineData("?filename=x.png&type=checkpoints")]
    [InlineData("?filename=x.png&subfolder=../x")]
    public void Bad_view_requests_name_their_problem(string query)
    {
        FileRequest.Read(QueryOf(query), out var error).ShouldBeNull();
        error.ShouldNotBeNullOrWhiteSpace();
    }

    private static QueryCollection QueryOf(string query)
        => new(Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(query));
}
