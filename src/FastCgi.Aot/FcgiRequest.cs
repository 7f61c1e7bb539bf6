using System;
using System.Buffers.Text;
using System.IO;
using System.Text;
using System.Threading.Tasks;
using System.Threading;
using FastCgi.Aot.Http;
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
    private readonly SpooledBuffer _body = new();
    private readonly SpooledBuffer _data = new();
    private FcgiForm? _form;
    private FormState _formState;
    private FormReader? _formReader;
    private SpoolSettings _spool = SpoolSettings.InMemory;
    private int _maxFormFields = int.MaxValue;
    private long _bodyReceived;
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

    /// <summary>
    /// The request body (FCGI_STDIN), complete when the handler runs, when it is in memory: bodies
    /// up to <c>--spool-threshold-bytes</c>. A larger body lives in a temporary file
    /// (<see cref="IsBodySpooled"/>); read it with <see cref="OpenBodyStream"/>, which works for both.
    /// </summary>
    /// <exception cref="InvalidOperationException">The body was spooled to a file, or read as a multipart form.</exception>
    public ReadOnlySpan<byte> Body => BodyMemory.Span;

    /// <summary>The request body as memory, for APIs that take <see cref="ReadOnlyMemory{T}"/>; see <see cref="Body"/>.</summary>
    /// <exception cref="InvalidOperationException">The body was spooled to a file, or read as a multipart form.</exception>
    public ReadOnlyMemory<byte> BodyMemory
    {
        get
        {
            ThrowIfBodyIsForm();
            return _body.IsSpooled
                ? throw new InvalidOperationException(
                    $"The request body ({_body.Length} bytes) is larger than --spool-threshold-bytes and lives in a temporary file: read it with OpenBodyStream(), or raise the threshold.")
                : _body.Memory;
        }
    }

    /// <summary>The length of the request body received.</summary>
    public long BodyLength => _bodyReceived;

    /// <summary>True when the body was larger than <c>--spool-threshold-bytes</c> and lives in a temporary file (read it with <see cref="OpenBodyStream"/>).</summary>
    public bool IsBodySpooled => _body.IsSpooled;

    /// <summary>The Filter role's file data (FCGI_DATA), complete when the handler runs; empty for other roles. In memory only up to the spool threshold, as <see cref="Body"/>.</summary>
    /// <exception cref="InvalidOperationException">The data was spooled to a file: read it with <see cref="OpenDataStream"/>.</exception>
    public ReadOnlySpan<byte> Data => DataMemory.Span;

    /// <summary>The Filter role's file data as memory; see <see cref="Data"/>.</summary>
    /// <exception cref="InvalidOperationException">The data was spooled to a file.</exception>
    public ReadOnlyMemory<byte> DataMemory =>
        _data.IsSpooled
            ? throw new InvalidOperationException(
                $"The Filter data ({_data.Length} bytes) is larger than --spool-threshold-bytes and lives in a temporary file: read it with OpenDataStream().")
            : _data.Memory;

    /// <summary>The length of the Filter role's data received.</summary>
    public long DataLength => _data.Length;

    /// <summary>
    /// The request's form: the fields and files of an <c>application/x-www-form-urlencoded</c> or
    /// <c>multipart/form-data</c> body; empty for any other body. A handler with
    /// <see cref="FcgiFormAttribute"/> or <see cref="FcgiFile"/> parameters has it read as the body
    /// arrives; otherwise it is read from the body on first use (from the temporary file for a
    /// spooled body: a disk read on the handler's thread).
    /// </summary>
    /// <exception cref="FcgiHttpException">The body is not a valid form (400), has too many fields, or fields larger than the threshold together (413).</exception>
    public FcgiForm Form
    {
        get
        {
            if (_formState is FormState.None)
            {
                ReadFormFromBody();
            }

            return _form!;
        }
    }

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
    /// A read-only stream over the body, positioned at its start, whether the body is in memory or
    /// in a temporary file. It must not be used after the handler completes. An in-memory body's
    /// stream object is reused (a second call rewinds it); a spooled body's is new each time, and
    /// its asynchronous reads run on the thread pool.
    /// </summary>
    /// <exception cref="InvalidOperationException">The body was read as a multipart form: use <see cref="Form"/>.</exception>
    public Stream OpenBodyStream()
    {
        ThrowIfBodyIsForm();
        return _body.OpenStream();
    }

    /// <summary>
    /// A read-only stream over the Filter role's data, positioned at its start. It must not be used
    /// after the handler completes; as <see cref="OpenBodyStream"/>.
    /// </summary>
    public Stream OpenDataStream() => _data.OpenStream();

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

    /// <summary>
    /// Prepares for the body once the parameters are complete: where large bodies go, and whether
    /// a multipart form is read as it arrives (an endpoint with a <see cref="FcgiEndpoint.FormReader"/>,
    /// a handler that binds form fields or files) instead of kept as a body.
    /// </summary>
    /// <returns>False when the body claims to be multipart but has no valid boundary (answer 400).</returns>
    internal bool BeginBody(SpoolSettings spool, int maxFormFields, FormReader? formReader)
    {
        _spool = spool;
        _maxFormFields = maxFormFields;
        _data.Begin(spool);
        if (formReader is not null && formReader.TryBegin(_form ??= new FcgiForm(), GetParam("CONTENT_TYPE"u8), spool, maxFormFields, out bool malformed))
        {
            _body.Begin(spool);
            _formReader = formReader;
            _formState = FormState.Streaming;
            return !malformed;
        }

        // The web server announces the body's length (nginx, Apache and lighttpd read the whole
        // body first): memory or a file is decided once, and a body in memory gets one buffer.
        _body.Begin(spool, ContentLength ?? -1);
        return true;
    }

    /// <summary>Appends a piece of the body: to the form being read, or to the body's buffer or file.</summary>
    internal FormStatus AppendBody(ReadOnlySpan<byte> content)
    {
        _bodyReceived += content.Length;
        if (_formReader is { } reader)
        {
            return reader.Append(_form!, content);
        }

        return _body.Append(content) switch
        {
            SpoolStatus.Ok => FormStatus.Ok,
            SpoolStatus.FlushNeeded => FormStatus.FlushNeeded,
            _ => FormStatus.SpoolFull,
        };
    }

    /// <summary>Appends a piece of the Filter data.</summary>
    internal FormStatus AppendData(ReadOnlySpan<byte> content) => _data.Append(content) switch
    {
        SpoolStatus.Ok => FormStatus.Ok,
        SpoolStatus.FlushNeeded => FormStatus.FlushNeeded,
        _ => FormStatus.SpoolFull,
    };

    /// <summary>True when body or data bytes wait to be written to a temporary file.</summary>
    internal bool HasPendingWrites => _body.HasPendingWrite || _data.HasPendingWrite || (_formReader?.HasPendingWrites(_form!) ?? false);

    /// <summary>Writes what waits for a temporary file, on the thread pool.</summary>
    internal async ValueTask FlushAsync()
    {
        await _body.FlushAsync().ConfigureAwait(false);
        await _data.FlushAsync().ConfigureAwait(false);
        if (_formReader is { } reader)
        {
            await reader.FlushAsync(_form!).ConfigureAwait(false);
        }
    }

    /// <summary>The same, on the calling thread (CGI mode, tests).</summary>
    internal void Flush()
    {
        _body.Flush();
        _data.Flush();
        _formReader?.Flush(_form!);
    }

    /// <summary>The body ended: a form read as it arrived must be complete. Call after the last flush.</summary>
    internal FormStatus CompleteBody()
    {
        if (_formReader is not { } reader)
        {
            return FormStatus.Ok;
        }

        FormStatus status = reader.Complete(_form!);
        _formReader = null;
        _formState = status == FormStatus.Ok ? FormState.Read : FormState.Failed;
        return status;
    }

    private void ThrowIfBodyIsForm()
    {
        if (_formState is FormState.Streaming || (_formState is FormState.Read && !IsUrlEncodedForm))
        {
            throw new InvalidOperationException("The body was read as a multipart form as it arrived: use Form, or [FcgiForm] and FcgiFile parameters.");
        }
    }

    private bool IsUrlEncodedForm => FcgiBinding.IsMediaType(GetParam("CONTENT_TYPE"u8), "application/x-www-form-urlencoded"u8);

    /// <summary>Reads the form from the body on first use (a handler without form parameters).</summary>
    private void ReadFormFromBody()
    {
        FcgiForm form = _form ??= new FcgiForm();
        _formState = FormState.Failed;
        ReadOnlySpan<byte> contentType = GetParam("CONTENT_TYPE"u8);
        if (FcgiBinding.IsMediaType(contentType, "application/x-www-form-urlencoded"u8))
        {
            if (_body.IsSpooled)
            {
                throw new FcgiHttpException(413, "The form is larger than the server keeps in memory.");
            }

            if (!form.SetUrlEncoded(_body.Memory, _maxFormFields))
            {
                throw new FcgiHttpException(413, "The form has too many fields.");
            }
        }
        else if (FcgiBinding.IsMediaType(contentType, "multipart/form-data"u8))
        {
            if (!form.BeginMultipart(contentType, _spool, _maxFormFields))
            {
                throw new FcgiHttpException(400, "The multipart body's Content-Type has no valid boundary.");
            }

            byte[] chunk = System.Buffers.ArrayPool<byte>.Shared.Rent(16 * 1024);
            try
            {
                using Stream body = _body.OpenStream();
                int read;
                while ((read = body.Read(chunk, 0, chunk.Length)) > 0)
                {
                    ThrowIfFormFailed(form.Append(chunk.AsSpan(0, read)));
                    form.Flush();
                }

                ThrowIfFormFailed(form.Complete());
                form.Flush();
            }
            finally
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(chunk);
            }
        }

        _formState = FormState.Read;
    }

    /// <summary>The answer for a form that could not be read.</summary>
    internal static FcgiHttpException FormFailure(FormStatus status) => status switch
    {
        FormStatus.TooLarge => new FcgiHttpException(413, "The form's fields are larger than the server keeps in memory."),
        FormStatus.TooManyFields => new FcgiHttpException(413, "The form has too many fields."),
        FormStatus.SpoolFull => new FcgiHttpException(507, "The server has no room left for uploads."),
        _ => new FcgiHttpException(400, "The multipart body is malformed."),
    };

    private static void ThrowIfFormFailed(FormStatus status)
    {
        if (status is not (FormStatus.Ok or FormStatus.FlushNeeded))
        {
            throw FormFailure(status);
        }
    }

    private enum FormState : byte
    {
        /// <summary>Not read yet: read from the body on first use.</summary>
        None,

        /// <summary>A multipart body being read as it arrives.</summary>
        Streaming,

        /// <summary>Read.</summary>
        Read,

        /// <summary>Could not be read.</summary>
        Failed,
    }

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
        _form?.Reset();
        _formState = FormState.None;
        _formReader = null;
        _spool = SpoolSettings.InMemory;
        _maxFormFields = int.MaxValue;
        _bodyReceived = 0;

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
        _form?.Release();
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
