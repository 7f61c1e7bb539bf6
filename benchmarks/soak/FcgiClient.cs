using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Net.Sockets;
using System.Text;

namespace FastCgi.Aot.Soak;

/// <summary>What the server sent for one request id.</summary>
internal sealed class Answer
{
    public MemoryStream Stdout { get; } = new();

    public int StderrBytes { get; set; }

    public bool Ended { get; set; }

    public uint AppStatus { get; set; }

    public byte ProtocolStatus { get; set; }
}

/// <summary>
/// One FastCGI connection as a web server opens it (FastCGI 1.0 §3.3, §5): records written into
/// one buffer and sent in one write, answers read record by record until END_REQUEST.
/// </summary>
internal sealed class FcgiClient : IDisposable
{
    public const byte BeginRequest = 1;
    public const byte AbortRequest = 2;
    public const byte EndRequest = 3;
    public const byte ParamsType = 4;
    public const byte Stdin = 5;
    public const byte Stdout = 6;
    public const byte Stderr = 7;

    private readonly Socket _socket;
    private readonly byte[] _header = new byte[8];
    private byte[] _content = new byte[65536 + 256];
    private readonly MemoryStream _out = new();

    private FcgiClient(Socket socket) => _socket = socket;

    public static FcgiClient Connect(string path, int timeoutMs)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
        {
            ReceiveTimeout = timeoutMs,
            SendTimeout = timeoutMs,
        };
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(path));
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new FcgiClient(socket);
    }

    public void Dispose() => _socket.Dispose();

    /// <summary>What failed the last send made from another thread, if anything.</summary>
    public Exception? SendFailure { get; set; }

    /// <summary>The bytes written so far and not sent.</summary>
    public int Pending => (int)_out.Length;

    public void Begin(ushort id, bool keepConnection)
    {
        Span<byte> body = stackalloc byte[8];
        body.Clear();
        body[1] = 1; // FCGI_RESPONDER
        body[2] = keepConnection ? (byte)1 : (byte)0;
        Record(BeginRequest, id, body);
    }

    public void Params(ushort id, string method, string uri, long? contentLength)
    {
        int query = uri.IndexOf('?', StringComparison.Ordinal);
        var pairs = new MemoryStream();
        Pair(pairs, "REQUEST_METHOD", method);
        Pair(pairs, "REQUEST_URI", uri);
        Pair(pairs, "SCRIPT_NAME", query < 0 ? uri : uri.Substring(0, query));
        Pair(pairs, "QUERY_STRING", query < 0 ? "" : uri.Substring(query + 1));
        Pair(pairs, "SERVER_PROTOCOL", "HTTP/1.1");
        Pair(pairs, "GATEWAY_INTERFACE", "CGI/1.1");
        if (contentLength is { } length)
        {
            Pair(pairs, "CONTENT_TYPE", "application/octet-stream");
            Pair(pairs, "CONTENT_LENGTH", length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        Stream(ParamsType, id, pairs.GetBuffer().AsSpan(0, (int)pairs.Length));
        Record(ParamsType, id, default);
    }

    /// <summary>Content in records of at most <paramref name="chunk"/> bytes (not the end of the stream).</summary>
    public void Stream(byte type, ushort id, ReadOnlySpan<byte> content, int chunk = 65535)
    {
        while (!content.IsEmpty)
        {
            int length = Math.Min(Math.Min(chunk, 65535), content.Length);
            Record(type, id, content.Slice(0, length));
            content = content.Slice(length);
        }
    }

    public void Record(byte type, ushort id, ReadOnlySpan<byte> content)
    {
        int padding = -content.Length & 7;
        Span<byte> header = stackalloc byte[8];
        header[0] = 1;
        header[1] = type;
        BinaryPrimitives.WriteUInt16BigEndian(header.Slice(2), id);
        BinaryPrimitives.WriteUInt16BigEndian(header.Slice(4), (ushort)content.Length);
        header[6] = (byte)padding;
        header[7] = 0;
        _out.Write(header);
        _out.Write(content);
        Span<byte> pad = stackalloc byte[8];
        pad.Clear();
        _out.Write(pad.Slice(0, padding));
    }

    /// <summary>Sends what was written; with <paramref name="cut"/>, only that many bytes of it (a web server going away mid-request).</summary>
    public void Send(int cut = -1)
    {
        int length = cut < 0 ? (int)_out.Length : Math.Min(cut, (int)_out.Length);
        ReadOnlySpan<byte> bytes = _out.GetBuffer().AsSpan(0, length);
        while (!bytes.IsEmpty)
        {
            int sent = _socket.Send(bytes);
            bytes = bytes.Slice(sent);
        }

        _out.SetLength(0);
    }

    /// <summary>Reads records until every id in <paramref name="answers"/> got END_REQUEST.</summary>
    public void ReadUntilEnded(Dictionary<ushort, Answer> answers)
    {
        int open = answers.Count;
        while (open > 0)
        {
            ReadExactly(_header);
            if (_header[0] != 1)
            {
                throw new InvalidDataException($"a record of version {_header[0]}");
            }

            byte type = _header[1];
            ushort id = BinaryPrimitives.ReadUInt16BigEndian(_header.AsSpan(2));
            int length = BinaryPrimitives.ReadUInt16BigEndian(_header.AsSpan(4));
            int total = length + _header[6];
            if (_content.Length < total)
            {
                _content = new byte[total];
            }

            ReadExactly(_content.AsSpan(0, total));
            if (!answers.TryGetValue(id, out Answer? answer))
            {
                throw new InvalidDataException($"a type {type} record for request id {id}, which is not in flight");
            }

            if (answer.Ended)
            {
                throw new InvalidDataException($"a type {type} record for request id {id} after its END_REQUEST");
            }

            switch (type)
            {
                case Stdout:
                    answer.Stdout.Write(_content, 0, length);
                    break;
                case Stderr:
                    answer.StderrBytes += length;
                    break;
                case EndRequest:
                    answer.AppStatus = BinaryPrimitives.ReadUInt32BigEndian(_content);
                    answer.ProtocolStatus = _content[4];
                    answer.Ended = true;
                    open--;
                    break;
                default:
                    throw new InvalidDataException($"a record of type {type} for request id {id}");
            }
        }
    }

    /// <summary>True when the server closed the connection (the next read returns 0 bytes or a reset).</summary>
    public bool ServerClosed()
    {
        try
        {
            return _socket.Receive(_header, 0, 1, SocketFlags.None) == 0;
        }
        catch (SocketException exception) when (exception.SocketErrorCode != SocketError.TimedOut)
        {
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private void ReadExactly(Span<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            int read = _socket.Receive(buffer);
            if (read == 0)
            {
                throw new EndOfStreamException("the server closed the connection mid-answer");
            }

            buffer = buffer.Slice(read);
        }
    }

    private static void Pair(MemoryStream stream, string name, string value)
    {
        Length(stream, Encoding.ASCII.GetByteCount(name));
        Length(stream, Encoding.UTF8.GetByteCount(value));
        stream.Write(Encoding.ASCII.GetBytes(name));
        stream.Write(Encoding.UTF8.GetBytes(value));
    }

    private static void Length(MemoryStream stream, int length)
    {
        if (length < 128)
        {
            stream.WriteByte((byte)length);
            return;
        }

        Span<byte> four = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(four, (uint)length | 0x80000000u);
        stream.Write(four);
    }
}
