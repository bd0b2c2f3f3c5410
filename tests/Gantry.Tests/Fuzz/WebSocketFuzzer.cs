using System.Buffers.Binary;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Gantry.Tests.Fuzz;

/// <summary>
/// Raw WebSocket traffic to <c>/ws</c> over a plain TCP connection: handshakes with odd client ids and keys, then
/// frames a browser would never send (invalid UTF-8, unmasked, reserved opcodes and bits, fragmented control frames,
/// lengths far past what follows, big messages, bad close codes). Returns the handshake's HTTP status.
/// </summary>
public static class WebSocketFuzzer
{
    public static async Task<(int Status, string Description)> RunAsync(Random random, Uri baseAddress, string key, CancellationToken cancellationToken)
    {
        var clientId = random.Next(6) switch
        {
            0 => new string('c', 5000),
            1 => "%ED%A0%80",
            2 => "",
            3 => "..%2F",
            _ => Guid.NewGuid().ToString("N"),
        };
        var frames = Enumerable.Range(0, random.Next(1, 6)).Select(_ => Frame(random)).ToList();
        var description = $"WS /ws?clientId={(clientId.Length > 40 ? clientId[..40] + "…" : clientId)} frames: {string.Join(", ", frames.Select(f => f.Kind))}";

        using var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync(baseAddress.Host, baseAddress.Port, cancellationToken);
        await using var stream = client.GetStream();
        var handshake = new StringBuilder()
            .Append("GET /ws?clientId=").Append(clientId).Append(" HTTP/1.1\r\n")
            .Append("Host: ").Append(baseAddress.Authority).Append("\r\n")
            .Append("Upgrade: websocket\r\nConnection: Upgrade\r\n")
            .Append("Sec-WebSocket-Key: ").Append(random.Next(8) == 0 ? "short" : Convert.ToBase64String(RandomNumberGenerator.GetBytes(16))).Append("\r\n")
            .Append("Sec-WebSocket-Version: ").Append(random.Next(10) == 0 ? "8" : "13").Append("\r\n")
            .Append("X-API-Key: ").Append(key).Append("\r\n\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(handshake.ToString()), cancellationToken);
        var status = await ReadStatusAsync(stream, cancellationToken);
        if (status != 101)
        {
            return (status, description);
        }

        try
        {
            foreach (var frame in frames)
            {
                await stream.WriteAsync(frame.Bytes, cancellationToken);
            }

            // Read whatever comes back for a moment (the greeting, a close), so the server's writes meet a live peer.
            var buffer = new byte[4096];
            using var linger = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            linger.CancelAfter(TimeSpan.FromMilliseconds(100));
            _ = await stream.ReadAtLeastAsync(buffer, 1, throwOnEndOfStream: false, linger.Token);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // the server closed the connection on a bad frame: what it should do
        }

        return (status, description);
    }

    private static async Task<int> ReadStatusAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var header = new List<byte>();
        var one = new byte[1];
        while (header.Count < 16_384 && await stream.ReadAsync(one, cancellationToken) == 1)
        {
            header.Add(one[0]);
            if (header.Count >= 4 && header[^4] == '\r' && header[^3] == '\n' && header[^2] == '\r' && header[^1] == '\n')
            {
                break;
            }
        }

        var line = Encoding.ASCII.GetString([.. header]).Split("\r\n")[0];
        var parts = line.Split(' ');
        return parts.Length >= 2 && int.TryParse(parts[1], out var status) ? status : 0;
    }

    private static (string Kind, byte[] Bytes) Frame(Random random) => random.Next(11) switch
    {
        0 => ("text-json", Encode(0x81, """{"type": "feature_flags", "data": {"supports_preview_metadata": true}}"""u8.ToArray(), mask: true)),
        1 => ("text-garbage", Encode(0x81, [0xFF, 0xFE, 0xC3, 0x28], mask: true)),
        2 => ("binary", Encode(0x82, Bytes(random, random.Next(0, 3000)), mask: true)),
        3 => ("unmasked", Encode(0x81, "{}"u8.ToArray(), mask: false)),
        4 => ("reserved-opcode", Encode(0x83, "x"u8.ToArray(), mask: true)),
        5 => ("rsv-bits", Encode(0xF1, "x"u8.ToArray(), mask: true)),
        6 => ("fragmented-ping", Encode(0x09, "p"u8.ToArray(), mask: true)),
        7 => ("huge-length", [0x82, 0xFF, .. BigEndian(long.MaxValue), 1, 2, 3, 4]),
        8 => ("big-text", Encode(0x81, Encoding.UTF8.GetBytes("{\"type\": \"" + new string('t', random.Next(70_000, 2_000_000)) + "\"}"), mask: true)),
        9 => ("close-bad-code", Encode(0x88, [0x03, 0xE7, .. "bye"u8], mask: true)),
        _ => ("continuation-first", Encode(0x80, "x"u8.ToArray(), mask: true)),
    };

    private static byte[] Bytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] BigEndian(long value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(bytes, value);
        return bytes;
    }

    private static byte[] Encode(byte first, byte[] payload, bool mask)
    {
        var frame = new List<byte> { first };
        var maskBit = mask ? (byte)0x80 : (byte)0;
        if (payload.Length < 126)
        {
            frame.Add((byte)(maskBit | payload.Length));
        }
        else if (payload.Length <= ushort.MaxValue)
        {
            frame.Add((byte)(maskBit | 126));
            frame.Add((byte)(payload.Length >> 8));
            frame.Add((byte)payload.Length);
        }
        else
        {
            frame.Add((byte)(maskBit | 127));
            frame.AddRange(BigEndian(payload.Length));
        }

        if (!mask)
        {
            frame.AddRange(payload);
            return [.. frame];
        }

        var key = RandomNumberGenerator.GetBytes(4);
        frame.AddRange(key);
        frame.AddRange(payload.Select((b, i) => (byte)(b ^ key[i % 4])));
        return [.. frame];
    }
}
