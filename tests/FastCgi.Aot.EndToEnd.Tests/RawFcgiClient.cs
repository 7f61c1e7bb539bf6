using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace FastCgi.Aot.EndToEnd.Tests;

/// <summary>
/// A minimal FastCGI client, written from the specification and independent of the code under
/// test: one Responder request per connection (request id 1, no keep-alive), as lighttpd and
/// Caddy send them. Returns the raw CGI response the application wrote on STDOUT.
/// </summary>
internal static class RawFcgiClient
{
    private const byte Version = 1;
    private const byte BeginRequest = 1;
    private const byte EndRequest = 3;
    private const byte Params = 4;
    private const byte Stdin = 5;
    private const byte Stdout = 6;
    private const byte Stderr = 7;

    /// <summary>Sends GET <paramref name="uri"/> to the application listening on <paramref name="socketPath"/>.</summary>
    public static async Task<CgiResponse> GetAsync(string socketPath, string uri, CancellationToken cancellationToken = default)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken).ConfigureAwait(false);
        return await SendAsync(socket, "GET", uri, ReadOnlyMemory<byte>.Empty, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends one request on a connected socket and reads the response up to END_REQUEST.</summary>
    public static async Task<CgiResponse> SendAsync(Socket socket, string method, string uri, ReadOnlyMemory<byte> body, string? contentType, CancellationToken cancellationToken)
    {
        int query = uri.IndexOf('?', StringComparison.Ordinal);
        var parameters = new List<KeyValuePair<string, string>>
        {
            new("GATEWAY_INTERFACE", "CGI/1.1"),
            new("REQUEST_METHOD", method),
            new("REQUEST_URI", uri),
            new("SCRIPT_NAME", query < 0 ? uri : uri.Substring(0, query)),
            new("QUERY_STRING", query < 0 ? "" : uri.Substring(query + 1)),
            new("SERVER_PROTOCOL", "HTTP/1.1"),
            new("CONTENT_LENGTH", body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        };
        if (contentType is not null)
        {
            parameters.Add(new("CONTENT_TYPE", contentType));
        }

        using var request = new MemoryStream();
        WriteRecord(request, BeginRequest, [0, 1, 0, 0, 0, 0, 0, 0]); // role Responder, flags 0: close when done
        using (var encoded = new MemoryStream())
        {
            foreach ((string name, string value) in parameters)
            {
                WriteLength(encoded, Encoding.UTF8.GetByteCount(name));
                WriteLength(encoded, Encoding.UTF8.GetByteCount(value));
                encoded.Write(Encoding.UTF8.GetBytes(name));
                encoded.Write(Encoding.UTF8.GetBytes(value));
            }

            WriteChunked(request, Params, encoded.ToArray());
        }

        WriteRecord(request, Params, []);
        WriteChunked(request, Stdin, body.Span);
        WriteRecord(request, Stdin, []);
        await socket.SendAsync(request.ToArray(), SocketFlags.None, cancellationToken).ConfigureAwait(false);

        using var stdout = new MemoryStream();
        var stderr = new StringBuilder();
        byte[] header = new byte[8];
        byte[] content = new byte[65535 + 255];
        while (true)
        {
            await ReceiveExactlyAsync(socket, header, cancellationToken).ConfigureAwait(false);
            if (header[0] != Version)
            {
                throw new InvalidDataException($"record with version {header[0]}");
            }

            int length = BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(4));
            int padding = header[6];
            await ReceiveExactlyAsync(socket, content.AsMemory(0, length + padding), cancellationToken).ConfigureAwait(false);
            int id = BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(2));
            if (id != 1)
            {
                throw new InvalidDataException($"record type {header[1]} for request id {id}, but only id 1 was sent");
            }

            switch (header[1])
            {
                case Stdout:
                    stdout.Write(content, 0, length);
                    break;
                case Stderr:
                    stderr.Append(Encoding.UTF8.GetString(content, 0, length));
                    break;
                case EndRequest:
                    if (length != 8 || content[4] != 0)
                    {
                        throw new InvalidDataException($"END_REQUEST with protocol status {content[4]} (length {length})");
                    }

                    return CgiResponse.Parse(stdout.ToArray(), stderr.ToString());
                default:
                    throw new InvalidDataException($"unexpected record type {header[1]}");
            }
        }
    }

    private static async Task ReceiveExactlyAsync(Socket socket, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        while (!buffer.IsEmpty)
        {
            int read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new EndOfStreamException("the application closed the connection before END_REQUEST");
            }

            buffer = buffer.Slice(read);
        }
    }

    private static void WriteChunked(Stream stream, byte type, ReadOnlySpan<byte> content)
    {
        while (!content.IsEmpty)
        {
            int length = Math.Min(content.Length, 65535);
            WriteRecord(stream, type, content.Slice(0, length));
            content = content.Slice(length);
        }
    }

    private static void WriteRecord(Stream stream, byte type, ReadOnlySpan<byte> content)
    {
        Span<byte> header = [Version, type, 0, 1, 0, 0, 0, 0];
        BinaryPrimitives.WriteUInt16BigEndian(header.Slice(4), (ushort)content.Length);
        stream.Write(header);
        stream.Write(content);
    }

    private static void WriteLength(Stream stream, int length)
    {
        if (length < 128)
        {
            stream.WriteByte((byte)length);
            return;
        }

        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)length | 0x80000000u);
        stream.Write(bytes);
    }
}

/// <summary>A CGI response (RFC 3875 §6): header lines, a blank line, the body.</summary>
internal sealed class CgiResponse
{
    private CgiResponse(byte[] raw, int status, IReadOnlyList<KeyValuePair<string, string>> headers, byte[] body, string stderr)
    {
        Raw = raw;
        Status = status;
        Headers = headers;
        Body = body;
        Stderr = stderr;
    }

    public byte[] Raw { get; }

    /// <summary>From the Status header; 200 when there is none (RFC 3875 §6.3.3).</summary>
    public int Status { get; }

    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    public byte[] Body { get; }

    public string Stderr { get; }

    public string BodyText => Encoding.UTF8.GetString(Body);

    public string? Header(string name)
    {
        foreach ((string key, string value) in Headers)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }

    public static CgiResponse Parse(byte[] raw, string stderr = "")
    {
        ReadOnlySpan<byte> span = raw;
        int end = span.IndexOf("\r\n\r\n"u8);
        int separator = 4;
        if (end < 0)
        {
            end = span.IndexOf("\n\n"u8);
            separator = 2;
        }

        if (end < 0)
        {
            throw new InvalidDataException($"no end of headers in the CGI response: {Encoding.UTF8.GetString(raw)}");
        }

        var headers = new List<KeyValuePair<string, string>>();
        int status = 200;
        foreach (string line in Encoding.ASCII.GetString(raw, 0, end).Split('\n'))
        {
            string trimmed = line.TrimEnd('\r');
            int colon = trimmed.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new InvalidDataException($"malformed CGI header line '{trimmed}'");
            }

            string name = trimmed.Substring(0, colon);
            string value = trimmed.Substring(colon + 1).Trim();
            headers.Add(new(name, value));
            if (string.Equals(name, "Status", StringComparison.OrdinalIgnoreCase))
            {
                status = int.Parse(value.AsSpan(0, 3), System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return new CgiResponse(raw, status, headers, raw.AsSpan(end + separator).ToArray(), stderr);
    }

    public override string ToString() => Encoding.UTF8.GetString(Raw) + (Stderr.Length > 0 ? "\n[stderr] " + Stderr : "");
}
