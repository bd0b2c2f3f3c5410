using System.Buffers.Binary;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Gantry.Events;
using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.Events;

/// <summary><c>/ws</c> through real WebSockets: greeting, feature flags, per-user fan-out, previews, queue status, auth.</summary>
public sealed class EventSocketTests(SqliteServerFixture fixture) : ServerTestBase(fixture), IClassFixture<SqliteServerFixture>
{
    private EventHub Hub => Server.GetService<EventHub>();

    [Fact]
    public async Task The_greeting_is_a_status_with_the_callers_unfinished_jobs_and_a_generated_sid()
    {
        using var user = await Server.CreateUserAsync();
        using var other = await Server.CreateUserAsync();
        await JobDriver.SubmitAsync(user.Client);
        await JobDriver.SubmitAsync(user.Client);
        await JobDriver.SubmitAsync(other.Client);

        var (socket, greeting) = await TestSocket.OpenAsync(Server, user.Key);
        await using (socket)
        {
            var data = greeting.GetProperty("data");
            data.GetProperty("status").GetProperty("exec_info").GetProperty("queue_remaining").GetInt32().ShouldBe(2);
            data.GetProperty("sid").GetString()!.ShouldMatch("^[0-9a-f]{32}$");
        }
    }

    [Theory]
    [InlineData("ws")]
    [InlineData("api/ws")]
    public async Task The_client_id_becomes_the_sid_on_both_paths(string path)
    {
        using var user = await Server.CreateUserAsync();
        var (socket, greeting) = await TestSocket.OpenAsync(Server, user.Key, clientId: "my-client 1", path: path);
        await using (socket)
        {
            greeting.GetProperty("data").GetProperty("sid").GetString().ShouldBe("my-client 1");
            greeting.GetProperty("data").GetProperty("status").GetProperty("exec_info").GetProperty("queue_remaining").GetInt32().ShouldBe(0);
        }
    }

    [Fact]
    public async Task A_first_feature_flags_message_is_answered_with_the_servers_flags()
    {
        using var user = await Server.CreateUserAsync();
        var (socket, _) = await TestSocket.OpenAsync(Server, user.Key);
        await using (socket)
        {
            await socket.SendTextAsync("""{"type": "feature_flags", "data": {"supports_preview_metadata": true, "supports_manager_v4_ui": true}}""");
            var reply = await socket.ReceiveJsonAsync();
            reply.GetProperty("type").GetString().ShouldBe("feature_flags");
            var data = reply.GetProperty("data");
            data.GetProperty("supports_preview_metadata").GetBoolean().ShouldBeTrue();
            data.GetProperty("max_upload_size").GetInt64().ShouldBe(50L * 1024 * 1024);

            // Only the first text message counts: a second one goes unanswered, so the next frame is the published one.
            await socket.SendTextAsync("""{"type": "feature_flags", "data": {}}""");
            Hub.Publish(user.User.Id, Text("after", Guid.NewGuid()));
            (await socket.ReceiveJsonAsync()).GetProperty("type").GetString().ShouldBe("after");
        }
    }

    [Fact]
    public async Task Published_frames_reach_every_socket_of_the_user_and_no_socket_of_another()
    {
        using var user = await Server.CreateUserAsync();
        using var other = await Server.CreateUserAsync();
        var (first, _) = await TestSocket.OpenAsync(Server, user.Key, clientId: "one");
        var (second, _) = await TestSocket.OpenAsync(Server, user.Key, path: "api/ws");
        var (foreign, _) = await TestSocket.OpenAsync(Server, other.Key);
        await using (first)
        await using (second)
        await using (foreign)
        {
            var jobId = Guid.NewGuid();
            Hub.Publish(user.User.Id, Text("progress", jobId, """{"value": 3, "max": 10, "node": "5"}"""));
            Hub.Publish(user.User.Id, Text("executing", jobId, """{"node": null}"""));
            foreach (var socket in new[] { first, second })
            {
                var progress = await socket.ReceiveJsonAsync();
                progress.GetProperty("type").GetString().ShouldBe("progress");
                progress.GetProperty("data").GetProperty("prompt_id").GetString().ShouldBe(jobId.ToString("D"));
                progress.GetProperty("data").GetProperty("value").GetInt32().ShouldBe(3);
                (await socket.ReceiveJsonAsync()).GetProperty("type").GetString().ShouldBe("executing");
            }

            // Had the other user's socket received the user's frames, they would come before this marker.
            Hub.Publish(other.User.Id, Text("marker", Guid.NewGuid()));
            (await foreign.ReceiveJsonAsync()).GetProperty("type").GetString().ShouldBe("marker");
        }
    }

    [Fact]
    public async Task Type_4_previews_go_as_is_to_clients_that_asked_and_as_type_1_to_the_others()
    {
        using var user = await Server.CreateUserAsync();
        var (legacy, _) = await TestSocket.OpenAsync(Server, user.Key);
        var (modern, _) = await TestSocket.OpenAsync(Server, user.Key);
        await using (legacy)
        await using (modern)
        {
            await modern.SendTextAsync("""{"type": "feature_flags", "data": {"supports_preview_metadata": true}}""");
            (await modern.ReceiveJsonAsync()).GetProperty("type").GetString().ShouldBe("feature_flags");

            var jobId = Guid.NewGuid();
            byte[] png = [0x89, 0x50, 0x4E, 0x47, 1, 2, 3, 4, 5];
            byte[] jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 9, 9];
            var pngFrame = BinaryFrames.PreviewWithMetadata(Metadata(jobId, "image/png"), png);
            var jpegFrame = BinaryFrames.PreviewWithMetadata(Metadata(jobId, "image/jpeg"), jpeg);
            var textFrame = ProgressText("7", "Sampling 3/20");
            Hub.Publish(user.User.Id, EventFrame.Binary(jobId, pngFrame));
            Hub.Publish(user.User.Id, EventFrame.Binary(jobId, jpegFrame));
            Hub.Publish(user.User.Id, EventFrame.Binary(jobId, textFrame));

            (await modern.ReceiveBinaryAsync()).ShouldBe(pngFrame);
            (await modern.ReceiveBinaryAsync()).ShouldBe(jpegFrame);
            (await modern.ReceiveBinaryAsync()).ShouldBe(textFrame);

            (await legacy.ReceiveBinaryAsync()).ShouldBe([0, 0, 0, 1, 0, 0, 0, 2, .. png]);
            (await legacy.ReceiveBinaryAsync()).ShouldBe([0, 0, 0, 1, 0, 0, 0, 1, .. jpeg]);
            (await legacy.ReceiveBinaryAsync()).ShouldBe(textFrame);
        }
    }

    [Fact]
    public async Task A_status_message_follows_each_change_of_the_queue_count()
    {
        using var user = await Server.CreateUserAsync();
        var (socket, greeting) = await TestSocket.OpenAsync(Server, user.Key);
        await using (socket)
        {
            greeting.GetProperty("data").GetProperty("status").GetProperty("exec_info").GetProperty("queue_remaining").GetInt32().ShouldBe(0);

            var id = await JobDriver.SubmitAsync(user.Client);
            var queued = await socket.ReceiveJsonAsync();
            queued.GetProperty("type").GetString().ShouldBe("status");
            queued.GetProperty("data").GetProperty("status").GetProperty("exec_info").GetProperty("queue_remaining").GetInt32().ShouldBe(1);
            queued.GetProperty("data").TryGetProperty("sid", out _).ShouldBeFalse();

            using (var cancel = await user.Client.PostAsync($"api/jobs/{id}/cancel", null, TestContext.Current.CancellationToken))
            {
                cancel.StatusCode.ShouldBe(HttpStatusCode.OK);
            }

            var cancelled = await socket.ReceiveJsonAsync();
            cancelled.GetProperty("type").GetString().ShouldBe("status");
            cancelled.GetProperty("data").GetProperty("status").GetProperty("exec_info").GetProperty("queue_remaining").GetInt32().ShouldBe(0);
        }
    }

    [Fact]
    public async Task Without_a_valid_key_the_upgrade_is_refused_with_401()
    {
        (await TestSocket.RefusedStatusAsync(Server, key: null)).ShouldBe(401);
        (await TestSocket.RefusedStatusAsync(Server, key: "gk_not-a-key", path: "api/ws")).ShouldBe(401);
    }

    [Fact]
    public async Task The_key_may_come_as_a_header_and_a_plain_request_is_not_an_upgrade()
    {
        using var user = await Server.CreateUserAsync();
        await using (var socket = await TestSocket.ConnectAsync(Server, key: null, headerKey: user.Key))
        {
            (await socket.ReceiveJsonAsync()).GetProperty("type").GetString().ShouldBe("status");
        }

        using var plain = await user.Client.GetAsync("ws", TestContext.Current.CancellationToken);
        await plain.ShouldBeErrorAsync(HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task A_client_close_is_answered_and_ends_the_subscription()
    {
        using var user = await Server.CreateUserAsync();
        var (socket, _) = await TestSocket.OpenAsync(Server, user.Key);
        await using (socket)
        {
            Hub.SubscriberCount(user.User.Id).ShouldBe(1);
            await socket.Socket.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, "bye", TestContext.Current.CancellationToken);
            socket.Socket.State.ShouldBe(System.Net.WebSockets.WebSocketState.Closed);
            socket.Socket.CloseStatus.ShouldBe(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure);
            Hub.SubscriberCount(user.User.Id).ShouldBe(0);
        }
    }

    internal static EventFrame Text(string type, Guid jobId, string data = "{}")
    {
        var body = JsonNode.Parse(data)!.AsObject();
        body["prompt_id"] = jobId.ToString("D");
        var message = new JsonObject { ["type"] = type, ["data"] = body };
        return EventFrame.Text(type, jobId, Encoding.UTF8.GetBytes(message.ToJsonString()));
    }

    private static byte[] Metadata(Guid jobId, string imageType)
        => Encoding.UTF8.GetBytes($$"""{"node_id": "9", "prompt_id": "{{jobId:D}}", "display_node_id": "9", "parent_node_id": null, "real_node_id": "9", "image_type": "{{imageType}}"}""");

    private static byte[] ProgressText(string nodeId, string text)
    {
        var node = Encoding.UTF8.GetBytes(nodeId);
        var body = Encoding.UTF8.GetBytes(text);
        var frame = new byte[8 + node.Length + body.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, BinaryFrames.Text);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), (uint)node.Length);
        node.CopyTo(frame, 8);
        body.CopyTo(frame, 8 + node.Length);
        return frame;
    }
}
