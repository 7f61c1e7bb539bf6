using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Sockets;
using System.Text;
using FastCgi.Aot.Protocol;

namespace FastCgi.Aot.Tests.Hosting;

/// <summary>One record as the client read it, content copied out.</summary>
internal readonly record struct TestRecord(FcgiRecordType Type, ushort RequestId, byte[] Content);

/// <summary>What the server sent for one request id.</summary>
internal sealed class TestRequestResult
{
    public MemoryStream Stdout { get; } = new();

    public MemoryStream Stderr { get; } = new();

    public int StdoutRecords { get; set; }

    public int MaxStdoutRecordLength { get; set; }

    public bool StdoutEnded { get; set; }

    public bool StderrEnded { get; set; }

    public int EndRequestCount { get; set; }

    public uint AppStatus { get; set; }

    public FcgiProtocolStatus ProtocolStatus { get; set; }

    public bool Ended => EndRequestCount > 0;

    public string StderrText => Encoding.UTF8.GetString(Stderr.ToArray());

    public CgiResponse Parse() => CgiResponse.Parse(Stdout.ToArray());
}

/// <summary>A CGI response: status, headers, body.</summary>
internal sealed class CgiResponse
{
    public int Status { get; private init; }

    public List<KeyValuePair<string, string>> Headers { get; } = [];

    public byte[] Body { get; private init; } = [];

    public string BodyText => Encoding.UTF8.GetString(Body);

    public string? Header(string name)
    {
        foreach (KeyValuePair<string, string> header in Headers)
        {
            if (string.Equals(header.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return header.Value;
            }
        }

        return null;
    }

    public static CgiResponse Parse(byte[] output)
    {
        int end = output.AsSpan().IndexOf("\r\n\r\n"u8);
        if (end < 0)
        {
            throw new InvalidDataException($"no end of headers in a {output.Length}-byte response: {Encoding.UTF8.GetString(output)}");
        }

        string head = Encoding.UTF8.GetString(output, 0, end);
        int status = 200;
        var headers = new List<KeyValuePair<string, string>>();
        foreach (string line in head.Split("\r\n"))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new InvalidDataException($"bad header line '{line}'");
            }

            string name = line.Substring(0, colon);
            string value = line.Substring(colon + 1).Trim();
            if (name == "Status")
            {
                status = int.Parse(value.AsSpan(0, 3), System.Globalization.CultureInfo.InvariantCulture);
            }

            headers.Add(new KeyValuePair<string, string>(name, value));
        }

        var response = new CgiResponse { Status = status, Body = output.AsSpan(end + 4).ToArray() };
        response.Headers.AddRange(headers);
        return response;
    }
}

/// <summary>
/// A small FastCGI client (the web server's side) over a real socket, for tests. Synchronous
/// I/O with a receive timeout, so a hung server fails a test in seconds; blocking calls also do
/// not depend on the socket engine thread the server's inline completions run on.
/// </summary>
internal sealed class RawFcgiClient : IDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private readonly Socket _socket;
    private readonly byte[] _receiveBuffer = new byte[64 * 1024];
    private int _bufferStart;
    private int _bufferEnd;
    private FcgiRecordReader _reader;
    private readonly MemoryStream _pendingContent = new();

    public RawFcgiClient(Socket socket)
    {
        _socket = socket;
        Timeout = DefaultTimeout;
    }

    public Dictionary<ushort, TestRequestResult> Results { get; } = [];

    public List<TestRecord> ManagementRecords { get; } = [];

    public List<TestRecord> AllRecords { get; } = [];

    public Socket Socket => _socket;

    public TimeSpan Timeout
    {
        get => TimeSpan.FromMilliseconds(_socket.ReceiveTimeout);
        set
        {
            _socket.ReceiveTimeout = (int)value.TotalMilliseconds;

            // Sends get a wider margin: .NET on Linux measures a synchronous send's timeout over the
            // whole call, so a multi-megabyte send that the server reads steadily but slowly (as
            // back-pressure tests make it, on a loaded CI machine) would fail with ETIMEDOUT while
            // it is making progress. A server that really stalls still fails the next read.
            _socket.SendTimeout = (int)(value.TotalMilliseconds * 6);
        }
    }

    public static RawFcgiClient Connect(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(path));
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new RawFcgiClient(socket);
    }

    public TestRequestResult Result(ushort id)
    {
        if (!Results.TryGetValue(id, out TestRequestResult? result))
        {
            result = new TestRequestResult();
            Results[id] = result;
        }

        return result;
    }

    // ---- writing ----

    public void SendRaw(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            int sent = _socket.Send(bytes);
            bytes = bytes.Slice(sent);
        }
    }

    public static byte[] Record(FcgiRecordType type, ushort id, ReadOnlySpan<byte> content)
    {
        byte[] record = new byte[FcgiRecordWriter.GetRecordLength(content.Length)];
        FcgiRecordWriter.WriteRecord(record, type, id, content);
        return record;
    }

    public static byte[] BeginRequestRecord(ushort id, FcgiRole role = FcgiRole.Responder, bool keepConnection = true)
    {
        byte[] record = new byte[FcgiConstants.FixedBodyRecordLength];
        FcgiRecordWriter.WriteBeginRequest(record, id, role, keepConnection ? FcgiBeginRequestFlags.KeepConnection : FcgiBeginRequestFlags.None);
        return record;
    }

    public static byte[] EncodePairs(IEnumerable<KeyValuePair<string, string>> pairs)
    {
        var stream = new MemoryStream();
        foreach (KeyValuePair<string, string> pair in pairs)
        {
            stream.Write(EncodePair(Encoding.UTF8.GetBytes(pair.Key), Encoding.UTF8.GetBytes(pair.Value)));
        }

        return stream.ToArray();
    }

    public static byte[] EncodePair(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        byte[] encoded = new byte[FcgiNameValueWriter.GetEncodedLength(name.Length, value.Length)];
        Assert.True(FcgiNameValueWriter.TryWrite(encoded, name, value, out int written));
        Assert.Equal(encoded.Length, written);
        return encoded;
    }

    public static byte[] StreamRecords(FcgiRecordType type, ushort id, ReadOnlySpan<byte> data, bool end = true, int chunk = FcgiConstants.MaxContentLength)
    {
        var stream = new MemoryStream();
        for (int offset = 0; offset < data.Length; offset += chunk)
        {
            stream.Write(Record(type, id, data.Slice(offset, Math.Min(chunk, data.Length - offset))));
        }

        if (end)
        {
            stream.Write(Record(type, id, default));
        }

        return stream.ToArray();
    }

    public void BeginRequest(ushort id, FcgiRole role = FcgiRole.Responder, bool keepConnection = true) =>
        SendRaw(BeginRequestRecord(id, role, keepConnection));

    public void Params(ushort id, IEnumerable<KeyValuePair<string, string>> pairs, bool end = true) =>
        SendRaw(StreamRecords(FcgiRecordType.Params, id, EncodePairs(pairs), end));

    public void Stdin(ushort id, ReadOnlySpan<byte> data, bool end = true) =>
        SendRaw(StreamRecords(FcgiRecordType.Stdin, id, data, end));

    public void Data(ushort id, ReadOnlySpan<byte> data, bool end = true) =>
        SendRaw(StreamRecords(FcgiRecordType.Data, id, data, end));

    public void Abort(ushort id) => SendRaw(Record(FcgiRecordType.AbortRequest, id, default));

    public void GetValues(params string[] names)
    {
        var stream = new MemoryStream();
        foreach (string name in names)
        {
            stream.Write(EncodePair(Encoding.ASCII.GetBytes(name), default));
        }

        SendRaw(Record(FcgiRecordType.GetValues, FcgiConstants.ManagementRequestId, stream.ToArray()));
    }

    /// <summary>The CGI parameters nginx would send for a request to <paramref name="uri"/>.</summary>
    public static List<KeyValuePair<string, string>> ParamsFor(string method, string uri, string? contentType = null, long? contentLength = null)
    {
        int query = uri.IndexOf('?', StringComparison.Ordinal);
        var pairs = new List<KeyValuePair<string, string>>
        {
            new("REQUEST_METHOD", method),
            new("REQUEST_URI", uri),
            new("SCRIPT_NAME", query < 0 ? uri : uri.Substring(0, query)),
            new("QUERY_STRING", query < 0 ? "" : uri.Substring(query + 1)),
            new("SERVER_PROTOCOL", "HTTP/1.1"),
            new("GATEWAY_INTERFACE", "CGI/1.1"),
        };
        if (contentType is not null)
        {
            pairs.Add(new("CONTENT_TYPE", contentType));
        }

        if (contentLength is not null)
        {
            pairs.Add(new("CONTENT_LENGTH", contentLength.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        return pairs;
    }

    /// <summary>Sends a whole request (BEGIN, PARAMS, empty PARAMS, STDIN, empty STDIN) in one write.</summary>
    public void SendRequest(ushort id, string method, string uri, byte[]? body = null, string? contentType = null, bool keepConnection = true, FcgiRole role = FcgiRole.Responder)
    {
        // A new request may reuse an ended request's id (nginx always sends 1): start its result afresh.
        if (Results.TryGetValue(id, out TestRequestResult? previous) && previous.Ended)
        {
            Results.Remove(id);
        }

        var stream = new MemoryStream();
        stream.Write(BeginRequestRecord(id, role, keepConnection));
        stream.Write(StreamRecords(FcgiRecordType.Params, id, EncodePairs(ParamsFor(method, uri, contentType, body?.Length))));
        stream.Write(StreamRecords(FcgiRecordType.Stdin, id, body ?? []));
        SendRaw(stream.ToArray());
    }

    public TestRequestResult Get(string uri, ushort id = 1, bool keepConnection = true)
    {
        SendRequest(id, "GET", uri, keepConnection: keepConnection);
        return ReadUntilEnd(id);
    }

    // ---- reading ----

    /// <summary>Reads one whole record; null when the server closed the connection at a record boundary.</summary>
    public TestRecord? ReadRecord()
    {
        while (true)
        {
            if (_bufferStart == _bufferEnd)
            {
                int received = _socket.Receive(_receiveBuffer);
                if (received == 0)
                {
                    Assert.True(_reader.IsAtRecordBoundary, "the server closed the connection in the middle of a record");
                    return null;
                }

                _bufferStart = 0;
                _bufferEnd = received;
            }

            FcgiReadStatus status = _reader.Read(_receiveBuffer.AsSpan(_bufferStart, _bufferEnd - _bufferStart), out int consumed, out FcgiRecordFragment fragment);
            _bufferStart += consumed;
            Assert.NotEqual(FcgiReadStatus.UnsupportedVersion, status);
            if (status == FcgiReadStatus.NeedMoreData)
            {
                continue;
            }

            if (fragment.IsRecordStart)
            {
                _pendingContent.SetLength(0);
            }

            _pendingContent.Write(fragment.Content);
            if (!fragment.IsRecordEnd)
            {
                continue;
            }

            var record = new TestRecord(fragment.Header.Type, fragment.Header.RequestId, _pendingContent.ToArray());
            Collect(record);
            return record;
        }
    }

    private void Collect(TestRecord record)
    {
        AllRecords.Add(record);
        if (record.RequestId == FcgiConstants.ManagementRequestId)
        {
            ManagementRecords.Add(record);
            return;
        }

        TestRequestResult result = Result(record.RequestId);
        Assert.False(result.Ended, $"a {record.Type} record for request {record.RequestId} after its END_REQUEST");
        switch (record.Type)
        {
            case FcgiRecordType.Stdout:
                Assert.False(result.StdoutEnded, "STDOUT after its end");
                if (record.Content.Length == 0)
                {
                    result.StdoutEnded = true;
                }
                else
                {
                    result.StdoutRecords++;
                    result.MaxStdoutRecordLength = Math.Max(result.MaxStdoutRecordLength, record.Content.Length);
                    result.Stdout.Write(record.Content);
                }

                break;
            case FcgiRecordType.Stderr:
                Assert.False(result.StderrEnded, "STDERR after its end");
                if (record.Content.Length == 0)
                {
                    result.StderrEnded = true;
                }
                else
                {
                    result.Stderr.Write(record.Content);
                }

                break;
            case FcgiRecordType.EndRequest:
                Assert.True(FcgiEndRequestBody.TryRead(record.Content, out FcgiEndRequestBody body));
                result.EndRequestCount++;
                result.AppStatus = body.AppStatus;
                result.ProtocolStatus = body.ProtocolStatus;
                break;
            default:
                Assert.Fail($"unexpected {record.Type} record for request {record.RequestId}");
                break;
        }
    }

    /// <summary>Reads records until the request's END_REQUEST; fails if the connection closes first.</summary>
    public TestRequestResult ReadUntilEnd(ushort id)
    {
        TestRequestResult result = Result(id);
        while (!result.Ended)
        {
            Assert.True(ReadRecord() is not null, $"the server closed the connection before END_REQUEST for request {id}");
        }

        return result;
    }

    /// <summary>Reads the next management record (id 0).</summary>
    public TestRecord ReadManagementRecord()
    {
        while (true)
        {
            TestRecord? record = ReadRecord();
            Assert.True(record is not null, "the server closed the connection before a management reply");
            if (record.Value.RequestId == FcgiConstants.ManagementRequestId)
            {
                return record.Value;
            }
        }
    }

    /// <summary>True when the server closed the connection (any records before the close are collected).</summary>
    public bool ServerClosed()
    {
        try
        {
            while (ReadRecord() is not null)
            {
            }

            return true;
        }
        catch (SocketException exception) when (exception.SocketErrorCode == SocketError.ConnectionReset)
        {
            return true;
        }
        catch (SocketException exception) when (exception.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock)
        {
            return false;
        }
    }

    /// <summary>True when nothing arrives and the connection stays open for <paramref name="wait"/>.</summary>
    public bool StaysOpenAndSilent(TimeSpan wait)
    {
        if (_bufferStart != _bufferEnd)
        {
            return false;
        }

        return !_socket.Poll(wait, SelectMode.SelectRead);
    }

    public void Dispose() => _socket.Dispose();
}
