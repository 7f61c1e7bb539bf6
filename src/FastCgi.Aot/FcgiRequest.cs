using System;
using System.Buffers.Text;
using System.IO;
using System.Text;
using System.Threading;
using FastCgi.Aot.Internal;
using FastCgi.Aot.Protocol;

namespace FastCgi.Aot;

/// <summary>
/// A FastCGI request as a handler sees it: the CGI parameters, the body, the role and an abort token.
/// </summary>
/// <remarks>
/// Values are spans over the request's own buffers; strings are made only by the members that
/// return them. The server reuses request objects: a handler must not keep a request, or a span
/// or memory taken from it, after the handler's task completes.
/// </remarks>
public sealed class FcgiRequest
{
    private readonly record struct ParamEntry(int NameStart, int NameLength, int ValueStart, int ValueLength);

    private GrowableBuffer _params = new();
    private GrowableBuffer _body = new();
    private GrowableBuffer _data = new();
    private ReadOnlyMemoryStream? _bodyStream;
    private ReadOnlyMemoryStream? _dataStream;
    private ParamEntry[] _entries = new ParamEntry[32];
    private int _entryCount;
    private int _methodIndex = -1;
    private int _queryIndex = -1;
    private int _contentLengthIndex = -1;
    private int _pathStart;
    private int _pathLength;
    private CancellationToken _aborted;
    private Range[] _routeValues = new Range[4];

    internal FcgiRequest()
    {
        Clear();
    }

    /// <summary>The FastCGI request id, unique among the requests active on its connection.</summary>
    public ushort RequestId { get; private set; }

    /// <summary>
    /// The handler the server routed the request to when its parameters were complete
    /// (<see cref="IFcgiApplication.Match"/>); null before that, or when the application does not route.
    /// </summary>
    public FcgiEndpoint? Endpoint { get; internal set; }

    /// <summary>The role the web server asked for.</summary>
    public FcgiRole Role { get; private set; }

    /// <summary>True when the web server keeps the connection open after this request (FCGI_KEEP_CONN).</summary>
    public bool KeepConnection { get; private set; }

    /// <summary>
    /// Cancelled when the request is aborted: the web server sent FCGI_ABORT_REQUEST, closed the
    /// connection, the request ran past its time limit, or the server is stopping past its deadline.
    /// </summary>
    public CancellationToken Aborted => _aborted;

    /// <summary>The request method (REQUEST_METHOD), for example <c>GET</c>; empty when the web server sent none.</summary>
    public ReadOnlySpan<byte> Method => ValueAt(_methodIndex);

    /// <summary>
    /// The path the request is routed by, still percent-encoded: the path of REQUEST_URI (up to
    /// <c>?</c>) when present, else SCRIPT_NAME followed by PATH_INFO, which is what nginx, Apache
    /// and lighttpd send between them.
    /// </summary>
    public ReadOnlySpan<byte> Path => _params.WrittenSpan.Slice(_pathStart, _pathLength);

    /// <summary>The query string (QUERY_STRING) without the <c>?</c>, still percent-encoded.</summary>
    public ReadOnlySpan<byte> QueryString => ValueAt(_queryIndex);

    /// <summary>The request body (FCGI_STDIN), complete when the handler runs.</summary>
    public ReadOnlySpan<byte> Body => _body.WrittenSpan;

    /// <summary>The request body as memory, for APIs that take <see cref="ReadOnlyMemory{T}"/>.</summary>
    public ReadOnlyMemory<byte> BodyMemory => _body.WrittenMemory;

    /// <summary>The Filter role's file data (FCGI_DATA), complete when the handler runs; empty for other roles.</summary>
    public ReadOnlySpan<byte> Data => _data.WrittenSpan;

    /// <summary>The Filter role's file data as memory.</summary>
    public ReadOnlyMemory<byte> DataMemory => _data.WrittenMemory;

    /// <summary>The number of CGI parameters.</summary>
    public int ParamCount => _entryCount;

    /// <summary>Every CGI parameter, in the order the web server sent them.</summary>
    public FcgiParamEnumerator Params => new(this);

    /// <summary>The request method as a string; the common methods come from constants and allocate nothing.</summary>
    public string GetMethodString()
    {
        ReadOnlySpan<byte> method = Method;
        return method switch
        {
            _ when method.SequenceEqual("GET"u8) => "GET",
            _ when method.SequenceEqual("POST"u8) => "POST",
            _ when method.SequenceEqual("HEAD"u8) => "HEAD",
            _ when method.SequenceEqual("PUT"u8) => "PUT",
            _ when method.SequenceEqual("DELETE"u8) => "DELETE",
            _ when method.SequenceEqual("PATCH"u8) => "PATCH",
            _ when method.SequenceEqual("OPTIONS"u8) => "OPTIONS",
            _ => Encoding.UTF8.GetString(method),
        };
    }

    /// <summary>The routing path as a string (still percent-encoded).</summary>
    public string GetPathString() => Encoding.UTF8.GetString(Path);

    /// <summary>The body decoded as UTF-8.</summary>
    public string GetBodyString() => Encoding.UTF8.GetString(Body);

    /// <summary>
    /// A read-only stream over the body, positioned at its start. It must not be used after the
    /// handler completes: the request's stream object is reused for later requests (so a second
    /// call during one request returns the same stream, rewound).
    /// </summary>
    public Stream OpenBodyStream() => (_bodyStream ??= new ReadOnlyMemoryStream()).Reset(_body.WrittenMemory);

    /// <summary>
    /// A read-only stream over the Filter role's data, positioned at its start. It must not be used
    /// after the handler completes; as <see cref="OpenBodyStream"/>, the object is reused.
    /// </summary>
    public Stream OpenDataStream() => (_dataStream ??= new ReadOnlyMemoryStream()).Reset(_data.WrittenMemory);

    /// <summary>Finds a CGI parameter by its exact name, for example <c>"REMOTE_ADDR"u8</c>.</summary>
    public bool TryGetParam(scoped ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
    {
        int index = IndexOf(name);
        value = ValueAt(index);
        return index >= 0;
    }

    /// <summary>A CGI parameter's value, or an empty span when it is absent.</summary>
    public ReadOnlySpan<byte> GetParam(scoped ReadOnlySpan<byte> name) => ValueAt(IndexOf(name));

    /// <summary>A CGI parameter's value as a string, or null when it is absent.</summary>
    public string? GetParamString(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        Span<byte> utf8 = name.Length <= 128 ? stackalloc byte[name.Length * 3] : new byte[Encoding.UTF8.GetMaxByteCount(name.Length)];
        int length = Encoding.UTF8.GetBytes(name, utf8);
        int index = IndexOf(utf8.Slice(0, length));
        return index < 0 ? null : Encoding.UTF8.GetString(ValueAt(index));
    }

    /// <summary>
    /// Finds an HTTP request header by its HTTP name, for example <c>"User-Agent"</c>: the web server
    /// passes it as <c>HTTP_USER_AGENT</c>, and Content-Type and Content-Length as CONTENT_TYPE and CONTENT_LENGTH.
    /// </summary>
    public bool TryGetHeader(ReadOnlySpan<char> headerName, out ReadOnlySpan<byte> value)
    {
        Span<byte> name = stackalloc byte[256];
        int length = FcgiHeaderNames.ToCgiName(headerName, name);
        if (length < 0)
        {
            value = default;
            return false;
        }

        return TryGetParam(name.Slice(0, length), out value);
    }

    /// <summary>The CONTENT_LENGTH parameter as a number, or null when it is absent or not a number.</summary>
    public long? ContentLength =>
        _contentLengthIndex >= 0 && Utf8Parser.TryParse(ValueAt(_contentLengthIndex), out long length, out int used) && used == ValueAt(_contentLengthIndex).Length && length >= 0
            ? length
            : null;

    /// <summary>Records where the <paramref name="index"/>th route value lies in <see cref="Path"/>; see <see cref="FcgiBinding.SetRouteValue"/>.</summary>
    internal void SetRouteValue(int index, Range range)
    {
        if (index >= _routeValues.Length)
        {
            // A route with more parameters than any before it: grown once per request object.
            Array.Resize(ref _routeValues, Math.Max(index + 1, _routeValues.Length * 2));
        }

        _routeValues[index] = range;
    }

    /// <summary>The <paramref name="index"/>th route value, still percent-encoded.</summary>
    internal ReadOnlySpan<byte> GetRouteValue(int index) => Path[_routeValues[index]];

    internal FcgiParam GetParamAt(int index)
    {
        ParamEntry entry = _entries[index];
        ReadOnlySpan<byte> all = _params.WrittenSpan;
        return new FcgiParam(all.Slice(entry.NameStart, entry.NameLength), all.Slice(entry.ValueStart, entry.ValueLength));
    }


    internal void Start(ushort requestId, FcgiRole role, bool keepConnection, CancellationToken aborted)
    {
        RequestId = requestId;
        Role = role;
        KeepConnection = keepConnection;
        _aborted = aborted;
    }

    internal bool TryAppendParams(ReadOnlySpan<byte> content, int limit) => _params.TryAppend(content, limit);

    internal bool TryAppendBody(ReadOnlySpan<byte> content, int limit) => _body.TryAppend(content, limit);

    internal bool TryAppendData(ReadOnlySpan<byte> content, int limit) => _data.TryAppend(content, limit);

    /// <summary>Decodes the complete PARAMS stream into the index; false when it is malformed.</summary>
    internal FcgiNameValueStatus CompleteParams()
    {
        int streamLength = _params.Length;
        var reader = new FcgiNameValueReader(_params.WrittenSpan);
        FcgiNameValueStatus status;
        int requestUriIndex = -1;
        int scriptNameIndex = -1;
        int pathInfoIndex = -1;
        while ((status = reader.Read(out ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)) == FcgiNameValueStatus.Pair)
        {
            if (_entryCount == _entries.Length)
            {
                Array.Resize(ref _entries, _entries.Length * 2);
            }

            int end = reader.Consumed;
            int index = _entryCount++;
            _entries[index] = new ParamEntry(end - value.Length - name.Length, name.Length, end - value.Length, value.Length);
            switch (name.Length)
            {
                case 11 when name.SequenceEqual("REQUEST_URI"u8):
                    requestUriIndex = index;
                    break;
                case 11 when name.SequenceEqual("SCRIPT_NAME"u8):
                    scriptNameIndex = index;
                    break;
                case 9 when name.SequenceEqual("PATH_INFO"u8):
                    pathInfoIndex = index;
                    break;
                case 12 when name.SequenceEqual("QUERY_STRING"u8):
                    _queryIndex = index;
                    break;
                case 14 when name.SequenceEqual("REQUEST_METHOD"u8):
                    _methodIndex = index;
                    break;
                case 14 when _contentLengthIndex < 0 && name.SequenceEqual("CONTENT_LENGTH"u8):
                    // The first, as TryGetParam would find.
                    _contentLengthIndex = index;
                    break;
            }
        }

        if (status != FcgiNameValueStatus.End)
        {
            return status;
        }

        SetPath(streamLength, requestUriIndex, scriptNameIndex, pathInfoIndex);
        return FcgiNameValueStatus.End;
    }

    private void SetPath(int streamLength, int requestUriIndex, int scriptNameIndex, int pathInfoIndex)
    {
        if (requestUriIndex >= 0)
        {
            ParamEntry uri = _entries[requestUriIndex];
            ReadOnlySpan<byte> value = _params.WrittenSpan.Slice(uri.ValueStart, uri.ValueLength);
            int query = value.IndexOf((byte)'?');
            _pathStart = uri.ValueStart;
            _pathLength = query < 0 ? value.Length : query;
            return;
        }

        ReadOnlySpan<byte> script = ValueAt(scriptNameIndex);
        ReadOnlySpan<byte> pathInfo = ValueAt(pathInfoIndex);
        if (pathInfo.IsEmpty || script.IsEmpty)
        {
            // Whichever of the two is not empty (an empty SCRIPT_NAME beside PATH_INFO is common).
            ParamEntry entry = !script.IsEmpty ? _entries[scriptNameIndex] : pathInfoIndex >= 0 ? _entries[pathInfoIndex] : default;
            _pathStart = entry.ValueStart;
            _pathLength = entry.ValueLength;
            return;
        }

        // SCRIPT_NAME + PATH_INFO must be one span: append the concatenation after the stream.
        // Entries hold offsets, so the buffer may move while it grows.
        int total = script.Length + pathInfo.Length;
        Span<byte> destination = _params.GetSpan(total);
        ParamEntry s = _entries[scriptNameIndex];
        ParamEntry p = _entries[pathInfoIndex];
        ReadOnlySpan<byte> all = _params.WrittenSpan;
        all.Slice(s.ValueStart, s.ValueLength).CopyTo(destination);
        all.Slice(p.ValueStart, p.ValueLength).CopyTo(destination.Slice(s.ValueLength));
        _params.Advance(total);
        _pathStart = streamLength;
        _pathLength = total;
    }

    internal void Clear()
    {
        _params.Reset();
        _body.Reset();
        _data.Reset();

        // Until a later request opens it again, a stream kept past its handler reads nothing.
        _bodyStream?.Reset(default);
        _dataStream?.Reset(default);
        if (_entries.Length > 256)
        {
            _entries = new ParamEntry[32];
        }

        _entryCount = 0;
        _methodIndex = -1;
        _queryIndex = -1;
        _contentLengthIndex = -1;
        _pathStart = 0;
        _pathLength = 0;
        _aborted = default;
        Endpoint = null;
        RequestId = 0;
        Role = default;
        KeepConnection = false;
    }

    internal void Release()
    {
        Clear();
        _params.Release();
        _body.Release();
        _data.Release();
    }

    private int IndexOf(scoped ReadOnlySpan<byte> name)
    {
        ReadOnlySpan<byte> all = _params.WrittenSpan;
        ParamEntry[] entries = _entries;
        for (int i = 0; i < _entryCount; i++)
        {
            ParamEntry entry = entries[i];
            if (entry.NameLength == name.Length && all.Slice(entry.NameStart, entry.NameLength).SequenceEqual(name))
            {
                return i;
            }
        }

        return -1;
    }

    private ReadOnlySpan<byte> ValueAt(int index)
    {
        if (index < 0)
        {
            return default;
        }

        ParamEntry entry = _entries[index];
        return _params.WrittenSpan.Slice(entry.ValueStart, entry.ValueLength);
    }
}
