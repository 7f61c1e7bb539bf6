using System;
using System.Buffers;
using System.Buffers.Text;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading;
using System.Threading.Tasks;
using FastCgi.Aot.Http;
using FastCgi.Aot.Internal;
using FastCgi.Aot.Protocol;

namespace FastCgi.Aot;

/// <summary>The response a handler writes: a status, headers and a body, sent as a CGI response on FCGI_STDOUT.</summary>
/// <remarks>
/// <para>A small response is buffered whole and sent as one write with an exact Content-Length,
/// together with the end of the request. A response that outgrows the buffer (or is flushed) is
/// streamed in records of at most 65,535 bytes, waiting for the socket; nothing is buffered
/// without bound. The body is framed into FastCGI records as it is written, in the buffer it is
/// sent from, so it is copied once on its way out.</para>
/// <para>Headers are never doubled: Content-Type, Location and Content-Length are single values
/// (the last one set wins), the status is set through <see cref="StatusCode"/> (a <c>Status</c>
/// header is refused), and a Content-Length set by the handler is checked against the body it
/// wrote. Other headers, Set-Cookie among them, may be added more than once.</para>
/// <para>Like the request, the object is reused: do not keep it after the handler completes.</para>
/// </remarks>
public sealed class FcgiResponse : IBufferWriter<byte>
{
    // "Status: " + three digits + the longest reason phrase (about 31 bytes) + CRLF, rounded up.
    private const int StatusLineMaxLength = 64;

    private GrowableBuffer _headers = new();
    private FcgiStreamFramer _stdout = new();
    private FcgiStreamFramer _stderr = new();
    private int _statusCode = 200;
    private string? _contentType;
    private string? _location;
    private long _declaredLength = -1;
    private bool _headersSent;
    private bool _suppressBody;
    private long _bodyBytesWritten;
    private long _bytesSent;
    private volatile bool _discard;
    private IFcgiResponseSink? _sink;
    private int _streamThreshold = 32 * 1024;
    private int _maxBuffered = 32 * 1024 * 1024;
    private ResponseBodyStream? _bodyStream;
    private Utf8JsonWriter? _jsonWriter;

    internal FcgiResponse()
    {
    }

    /// <summary>The HTTP status code; 200 unless set. It cannot change once the headers are sent.</summary>
    public int StatusCode
    {
        get => _statusCode;
        set
        {
            ThrowIfHeadersSent();
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 100);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 999);
            _statusCode = value;
        }
    }

    /// <summary>The Content-Type header, or null for none. A body with no type is sent as <c>application/octet-stream</c>.</summary>
    public string? ContentType
    {
        get => _contentType;
        set
        {
            ThrowIfHeadersSent();
            if (value is not null)
            {
                FcgiResponseHeaders.Validate(value.AsSpan(), nameof(value));
            }

            _contentType = value;
        }
    }

    /// <summary>The Location header, or null for none; setting it again replaces it.</summary>
    public string? Location
    {
        get => _location;
        set
        {
            ThrowIfHeadersSent();
            if (value is not null)
            {
                FcgiResponseHeaders.Validate(value.AsSpan(), nameof(value));
            }

            _location = value;
        }
    }

    /// <summary>
    /// The Content-Length the handler promises, or null to let the server count the body (the
    /// default, and the better choice). When set, the body written must have exactly this length:
    /// a mismatch fails the request with 500 before anything is sent, or cuts the response off if
    /// it was already streaming.
    /// </summary>
    public long? ContentLength
    {
        get => _declaredLength < 0 ? null : _declaredLength;
        set
        {
            ThrowIfHeadersSent();
            if (value is long length)
            {
                ArgumentOutOfRangeException.ThrowIfNegative(length);
            }

            _declaredLength = value ?? -1;
        }
    }

    /// <summary>True once the headers have gone to the web server; status and headers are then fixed.</summary>
    public bool HasStarted => _headersSent;

    /// <summary>The body bytes written so far.</summary>
    public long BodyLength => _bodyBytesWritten;

    /// <summary>The body as an <see cref="IBufferWriter{T}"/>, for serializers that write UTF-8 directly.</summary>
    public IBufferWriter<byte> BodyWriter => this;

    /// <summary>The body as a write-only stream. It must not be used after the handler completes.</summary>
    public Stream Body => _bodyStream ??= new ResponseBodyStream(this);

    /// <summary>
    /// Adds a response header. Names must be HTTP tokens; values may not contain CR, LF or NUL.
    /// Content-Type, Location and Content-Length replace the value set before (see
    /// <see cref="ContentType"/>, <see cref="Location"/>, <see cref="ContentLength"/>); a
    /// <c>Status</c> header is refused: set <see cref="StatusCode"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The name or value is not allowed.</exception>
    /// <exception cref="InvalidOperationException">The headers were already sent.</exception>
    public void AddHeader(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        AddHeader(name.AsSpan(), value.AsSpan());
    }

    /// <summary>Adds a response header from characters; see <see cref="AddHeader(string, string)"/>.</summary>
    public void AddHeader(ReadOnlySpan<char> name, ReadOnlySpan<char> value)
    {
        ThrowIfHeadersSent();
        FcgiResponseHeaders.ValidateName(name);
        FcgiResponseHeaders.Validate(value, nameof(value));
        switch (FcgiResponseHeaders.Classify(name))
        {
            case ResponseHeaderKind.ContentType:
                _contentType = value.ToString();
                return;
            case ResponseHeaderKind.Location:
                _location = value.ToString();
                return;
            case ResponseHeaderKind.ContentLength:
                _declaredLength = FcgiResponseHeaders.ParseContentLength(value);
                return;
        }

        int max = Encoding.UTF8.GetMaxByteCount(name.Length + value.Length) + 4;
        Span<byte> line = _headers.GetSpan(max);
        int length = Encoding.UTF8.GetBytes(name, line);
        ": "u8.CopyTo(line.Slice(length));
        length += 2;
        length += Encoding.UTF8.GetBytes(value, line.Slice(length));
        "\r\n"u8.CopyTo(line.Slice(length));
        _headers.Advance(length + 2);
    }

    /// <summary>Adds a response header from UTF-8 bytes; see <see cref="AddHeader(string, string)"/>.</summary>
    public void AddHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        ThrowIfHeadersSent();
        FcgiResponseHeaders.ValidateName(name);
        FcgiResponseHeaders.Validate(value, nameof(value));
        switch (FcgiResponseHeaders.Classify(name))
        {
            case ResponseHeaderKind.ContentType:
                _contentType = Encoding.UTF8.GetString(value);
                return;
            case ResponseHeaderKind.Location:
                _location = Encoding.UTF8.GetString(value);
                return;
            case ResponseHeaderKind.ContentLength:
                _declaredLength = FcgiResponseHeaders.ParseContentLength(value);
                return;
        }

        Span<byte> line = _headers.GetSpan(name.Length + value.Length + 4);
        name.CopyTo(line);
        ": "u8.CopyTo(line.Slice(name.Length));
        value.CopyTo(line.Slice(name.Length + 2));
        "\r\n"u8.CopyTo(line.Slice(name.Length + 2 + value.Length));
        _headers.Advance(name.Length + value.Length + 4);
    }

    /// <summary>
    /// Appends bytes to the body. On an I/O thread synchronous writes only buffer (a blocking send
    /// there would wait for the very thread it blocks): write large bodies with
    /// <see cref="WriteAsync"/>, which streams them with back-pressure from the socket. In a
    /// handler marked <c>Blocking = true</c>, which runs on a worker thread, a synchronous write
    /// that fills the buffer waits for the socket instead. The buffer is bounded by
    /// <see cref="Hosting.FcgiServerOptions.MaxResponseBufferBytes"/> (32 MiB by default): past it
    /// the write throws <see cref="InvalidOperationException"/>.
    /// </summary>
    public void Write(ReadOnlySpan<byte> data)
    {
        CountBody(data.Length);
        if (_discard || _suppressBody || data.IsEmpty)
        {
            return;
        }

        if (_sink is not null && Buffered + data.Length > _streamThreshold && Connections.BlockingWorkerPool.IsWorkerThread)
        {
            // A worker thread may wait for the socket: a large body goes out piece by piece.
            WriteInPiecesBlocking(data);
            return;
        }

        PrepareBody(data.Length);
        _stdout.Write(data);
        FlushIfBlockingAndFull();
    }

    /// <summary>Appends text to the body as UTF-8.</summary>
    public void Write(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return;
        }

        Span<byte> destination = GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        Advance(Encoding.UTF8.GetBytes(text, destination));
    }

    /// <summary>Appends text to the body as UTF-8.</summary>
    public void Write(string? text) => Write(text.AsSpan());

    /// <summary>Appends a number to the body as invariant text.</summary>
    public void Write(long value)
    {
        Span<byte> destination = GetSpan(20);
        Utf8Formatter.TryFormat(value, destination, out int written);
        Advance(written);
    }

    /// <summary>Serializes <paramref name="value"/> as JSON into the body with source-generated type info.</summary>
    public void WriteJson<T>(T value, JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        Utf8JsonWriter writer = _jsonWriter ??= new Utf8JsonWriter(this);
        writer.Reset(this);
        JsonSerializer.Serialize(writer, value, typeInfo);
        writer.Flush();
    }

    /// <summary>Appends bytes to the body, waiting for the socket when the response is streamed.</summary>
    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        CountBody(data.Length);
        if (_discard || _suppressBody || data.IsEmpty)
        {
            return default;
        }

        if (_sink is not null && Buffered + data.Length > _streamThreshold)
        {
            return WriteInPiecesAsync(data, cancellationToken);
        }

        PrepareBody(data.Length);
        _stdout.Write(data.Span);
        return _stdout.Length >= _streamThreshold && _sink is not null ? _sink.FlushAsync(this, cancellationToken) : default;
    }

    /// <summary>
    /// Writes a body larger than the stream threshold in pieces of about the threshold, sending
    /// each before framing the next: the response then holds one piece, not the whole body (a
    /// 1 MiB body took a 2 MiB array per response before, and 32 responses at once took the
    /// process to 146 MiB; 38 MiB in pieces). The body is still copied once on its way out.
    /// </summary>
    private async ValueTask WriteInPiecesAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        while (!data.IsEmpty && !_discard)
        {
            if (RoomForPiece() < MinimumPiece && Buffered > 0)
            {
                await _sink!.FlushAsync(this, cancellationToken).ConfigureAwait(false);
                continue;
            }

            int piece = Math.Min(data.Length, Math.Max(RoomForPiece(), MinimumPiece));
            PrepareBody(piece);
            _stdout.Write(data.Span.Slice(0, piece));
            data = data.Slice(piece);
            if (!data.IsEmpty || Buffered >= _streamThreshold)
            {
                await _sink!.FlushAsync(this, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>As <see cref="WriteInPiecesAsync"/>, waiting for the socket on the calling worker thread.</summary>
    private void WriteInPiecesBlocking(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty && !_discard)
        {
            if (RoomForPiece() < MinimumPiece && Buffered > 0)
            {
                FlushBlocking();
                continue;
            }

            int piece = Math.Min(data.Length, Math.Max(RoomForPiece(), MinimumPiece));
            PrepareBody(piece);
            _stdout.Write(data.Slice(0, piece));
            data = data.Slice(piece);
            if (!data.IsEmpty || Buffered >= _streamThreshold)
            {
                FlushBlocking();
            }
        }
    }

    // The smallest piece worth a send of its own.
    private const int MinimumPiece = 4096;

    // Room kept for two record headers and their padding, so that a piece that fills the buffer to
    // the threshold does not grow it: with the 64 KiB default, each piece fits one 64 KiB array.
    private const int PieceFraming = 2 * (FastCgi.Aot.Protocol.FcgiConstants.HeaderLength + 8);

    /// <summary>The body bytes that fit before the buffer reaches the stream threshold (counting the gap the header block will take).</summary>
    private int RoomForPiece()
    {
        int used = _stdout.Length == 0 && !_headersSent ? FcgiResponseHeaders.FrontReserve(MaxHeaderBlockLength) : _stdout.Length;
        return _streamThreshold - used - PieceFraming;
    }

    private void FlushBlocking()
    {
        ValueTask flush = _sink!.FlushAsync(this, CancellationToken.None);
        if (!flush.IsCompletedSuccessfully)
        {
            flush.AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>Sends the headers and what the body holds so far; the response is then streamed and carries no Content-Length (unless <see cref="ContentLength"/> was set).</summary>
    public ValueTask FlushAsync(CancellationToken cancellationToken = default) =>
        _discard || _sink is null ? default : _sink.FlushAsync(this, cancellationToken);

    /// <summary>Writes a diagnostic line to the request's FCGI_STDERR stream, which nginx writes to its error log.</summary>
    public void WriteError(ReadOnlySpan<char> message)
    {
        if (_discard)
        {
            return;
        }

        int max = Encoding.UTF8.GetMaxByteCount(message.Length) + 1;
        if ((long)_stderr.Length + max > _maxBuffered)
        {
            // Diagnostics past the bound are dropped rather than thrown: this is also how the
            // server reports a handler's failure, which must not fail in turn.
            return;
        }

        byte[]? rented = null;
        Span<byte> line = max <= 256 ? stackalloc byte[256] : (rented = ArrayPool<byte>.Shared.Rent(max));
        int length = Encoding.UTF8.GetBytes(message, line);
        line[length] = (byte)'\n';
        _stderr.Write(line.Slice(0, length + 1));
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <inheritdoc />
    public void Advance(int count)
    {
        CountBody(count);
        if (_discard || _suppressBody)
        {
            return;
        }

        _stdout.Advance(count);
        FlushIfBlockingAndFull();
    }

    /// <inheritdoc />
    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        if (_discard || _suppressBody)
        {
            return ScratchMemory(sizeHint);
        }

        PrepareBody(Math.Max(sizeHint, 1));
        return _stdout.GetMemory(sizeHint);
    }

    /// <inheritdoc />
    public Span<byte> GetSpan(int sizeHint = 0)
    {
        if (_discard || _suppressBody)
        {
            return ScratchMemory(sizeHint).Span;
        }

        PrepareBody(Math.Max(sizeHint, 1));
        return _stdout.GetSpan(sizeHint);
    }

    // Bodies that are not kept (HEAD, aborted) are still counted, for Content-Length: serializers
    // get a throwaway buffer, shared because nothing reads it.
    private static byte[] s_scratch = new byte[4096];

    private static Memory<byte> ScratchMemory(int sizeHint)
    {
        // Read the shared field once: another thread may replace it meanwhile, even with a smaller
        // array, and the caller must get at least sizeHint bytes.
        byte[] scratch = s_scratch;
        if (sizeHint > scratch.Length)
        {
            scratch = new byte[sizeHint];
            s_scratch = scratch;
        }

        return scratch;
    }

    internal bool IsDiscarded => _discard;

    /// <summary>The most body (and stderr) bytes held at once; see <see cref="Hosting.FcgiServerOptions.MaxResponseBufferBytes"/>.</summary>
    internal int MaxBufferedBytes
    {
        get => _maxBuffered;
        set => _maxBuffered = value;
    }

    internal bool HeadersSent => _headersSent;

    /// <summary>The STDOUT content bytes handed to the web server so far: header block and body.</summary>
    internal long BytesSent => _bytesSent;

    /// <summary>The body, framed as STDOUT records; the connection sends from here.</summary>
    internal ref FcgiStreamFramer Stdout => ref _stdout;

    /// <summary>The STDERR stream, framed.</summary>
    internal ref FcgiStreamFramer Stderr => ref _stderr;

    /// <summary>The STDOUT content buffered and not sent yet (for the stream threshold and the buffer limit).</summary>
    internal int Buffered => _stdout.Length - _stdout.Front;

    /// <summary>True when a Content-Length the handler set does not match the body it wrote: the request fails.</summary>
    internal bool ContentLengthMismatch =>
        _declaredLength >= 0 && _declaredLength != _bodyBytesWritten && !(_suppressBody && _bodyBytesWritten == 0);

    internal void Start(IFcgiResponseSink? sink, ushort requestId, bool suppressBody, int streamThreshold)
    {
        _sink = sink;
        _suppressBody = suppressBody;
        _streamThreshold = streamThreshold;
        _stdout.Reset(FastCgi.Aot.Protocol.FcgiRecordType.Stdout, requestId);
        _stderr.Reset(FastCgi.Aot.Protocol.FcgiRecordType.Stderr, requestId);
    }

    /// <summary>Drops all further output: the request was aborted or timed out.</summary>
    internal void Discard() => _discard = true;

    internal void MarkHeadersSent() => _headersSent = true;

    internal void AddBytesSent(long count) => _bytesSent += count;

    /// <summary>Forgets status, headers and body, as for a fresh response; used to replace a failed handler's output with an error.</summary>
    internal void ResetForError()
    {
        _headers.Reset();
        _stdout.Consume();
        _statusCode = 200;
        _contentType = null;
        _location = null;
        _declaredLength = -1;
        _bodyBytesWritten = 0;
    }

    /// <summary>An upper bound of the CGI header block's length.</summary>
    internal int MaxHeaderBlockLength =>
        StatusLineMaxLength +
        (_contentType is null ? 40 : 20 + Encoding.UTF8.GetMaxByteCount(_contentType.Length)) +
        (_location is null ? 0 : 16 + Encoding.UTF8.GetMaxByteCount(_location.Length)) +
        _headers.Length + 40;

    /// <summary>
    /// Writes the CGI header block: <c>Status</c>, <c>Content-Type</c>, <c>Location</c>, the
    /// handler's headers, and <c>Content-Length</c> when the whole body is known
    /// (<paramref name="complete"/>) or the handler set it, then the blank line.
    /// </summary>
    internal int WriteHeaderBlock(Span<byte> destination, bool complete)
    {
        int position = 0;
        Append(destination, ref position, "Status: "u8);
        Utf8Formatter.TryFormat(_statusCode, destination.Slice(position), out int written);
        position += written;
        destination[position++] = (byte)' ';
        Append(destination, ref position, HttpStatus.ReasonPhrase(_statusCode));
        Append(destination, ref position, "\r\n"u8);

        bool hasBody = _bodyBytesWritten > 0 || !complete;
        if (_contentType is not null || (hasBody && !HttpStatus.HasNoBody(_statusCode)))
        {
            Append(destination, ref position, "Content-Type: "u8);
            if (_contentType is null)
            {
                Append(destination, ref position, "application/octet-stream"u8);
            }
            else
            {
                position += Encoding.UTF8.GetBytes(_contentType, destination.Slice(position));
            }

            Append(destination, ref position, "\r\n"u8);
        }

        if (_location is not null)
        {
            Append(destination, ref position, "Location: "u8);
            position += Encoding.UTF8.GetBytes(_location, destination.Slice(position));
            Append(destination, ref position, "\r\n"u8);
        }

        Append(destination, ref position, _headers.WrittenSpan);
        long length = _declaredLength >= 0 ? _declaredLength : complete ? _bodyBytesWritten : -1;
        if (length >= 0 && !HttpStatus.HasNoBody(_statusCode))
        {
            Append(destination, ref position, "Content-Length: "u8);
            Utf8Formatter.TryFormat(length, destination.Slice(position), out written);
            position += written;
            Append(destination, ref position, "\r\n"u8);
        }

        Append(destination, ref position, "\r\n"u8);
        return position;
    }

    /// <summary>The body written so far, unframed: for answers that never meet a socket (CGI mode, in-memory tests).</summary>
    internal byte[] GetBody()
    {
        var body = new ArrayBufferWriter<byte>();
        _stdout.CopyContentTo(body);
        return body.WrittenSpan.ToArray();
    }

    /// <summary>What was written to STDERR, unframed.</summary>
    internal byte[] GetStderr()
    {
        var stderr = new ArrayBufferWriter<byte>();
        _stderr.CopyContentTo(stderr);
        return stderr.WrittenSpan.ToArray();
    }

    internal void Clear()
    {
        _headers.Reset();
        _stdout.Reset(FastCgi.Aot.Protocol.FcgiRecordType.Stdout, 0);
        _stderr.Reset(FastCgi.Aot.Protocol.FcgiRecordType.Stderr, 0);
        _statusCode = 200;
        _contentType = null;
        _location = null;
        _declaredLength = -1;
        _headersSent = false;
        _suppressBody = false;
        _bodyBytesWritten = 0;
        _bytesSent = 0;
        _discard = false;
        _sink = null;
    }

    internal void Release()
    {
        Clear();
        _headers.Release();
        _stdout.Release();
        _stderr.Release();
    }

    /// <summary>Counts body bytes (for Content-Length) and holds the handler to a Content-Length it promised once streaming.</summary>
    private void CountBody(int count)
    {
        _bodyBytesWritten += count;
        if (_declaredLength >= 0 && _headersSent && _bodyBytesWritten > _declaredLength)
        {
            throw new InvalidOperationException(
                $"The response body is longer than the Content-Length of {_declaredLength} the handler set.");
        }
    }

    /// <summary>Before body bytes are framed: leaves room at the front for the header block, and checks the buffer limit.</summary>
    private void PrepareBody(int count)
    {
        if (_stdout.Length == 0 && !_headersSent)
        {
            // The header block is written last (its Content-Length counts the body) but sent
            // first: keep room for it before the body, so that the answer is one send. Headers
            // added after the first write may outgrow it; the block then goes in a send of its own.
            _stdout.ReserveFront(FcgiResponseHeaders.FrontReserve(MaxHeaderBlockLength));
        }

        if ((long)Buffered + count > _maxBuffered)
        {
            ThrowBufferFull();
        }
    }

    /// <summary>A handler on a worker thread waits for the socket instead of buffering past the stream threshold.</summary>
    private void FlushIfBlockingAndFull()
    {
        if (_sink is not null && Buffered >= _streamThreshold && Connections.BlockingWorkerPool.IsWorkerThread)
        {
            FlushBlocking();
        }
    }

    private static void Append(Span<byte> destination, ref int position, ReadOnlySpan<byte> value)
    {
        value.CopyTo(destination.Slice(position));
        position += value.Length;
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    [System.Diagnostics.StackTraceHidden]
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private void ThrowBufferFull() =>
        throw new InvalidOperationException(
            $"The response holds more than {_maxBuffered} unsent bytes (--max-response-buffer-bytes). Write large bodies with WriteAsync, which streams them to the web server.");

    private void ThrowIfHeadersSent()
    {
        if (_headersSent)
        {
            throw new InvalidOperationException("The response headers were already sent.");
        }
    }

    /// <summary>
    /// Sets a cookie: adds a <c>Set-Cookie</c> header (several cookies are several headers, never
    /// merged). Formatting allocates nothing.
    /// </summary>
    /// <param name="name">The cookie's name: a token (RFC 6265 §4.1.1).</param>
    /// <param name="value">
    /// The value: cookie-octets (printable US-ASCII but space, <c>"</c>, <c>,</c>, <c>;</c> and <c>\</c>),
    /// optionally wrapped in DQUOTEs. Nothing is encoded for you: encode anything else first.
    /// </param>
    /// <param name="options">Path, Domain, lifetime and protection, or null for none.</param>
    /// <returns>This response.</returns>
    /// <exception cref="ArgumentException">The name, value or an option is invalid; the message says which character and why.</exception>
    /// <exception cref="InvalidOperationException">The headers were already sent.</exception>
    public FcgiResponse WithCookie(string name, string value, FcgiCookieOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        AddSetCookie(name, value, options, delete: false);
        return this;
    }

    /// <summary>
    /// Deletes a cookie: adds a <c>Set-Cookie</c> with an empty value, <c>Max-Age=0</c> and an
    /// <c>Expires</c> in the past. Pass the Path and Domain the cookie was set with: a browser
    /// deletes only the cookie they match.
    /// </summary>
    /// <param name="name">The cookie's name.</param>
    /// <param name="options">The options the cookie was set with; its MaxAge and Expires are ignored.</param>
    /// <returns>This response.</returns>
    public FcgiResponse DeleteCookie(string name, FcgiCookieOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        AddSetCookie(name, string.Empty, options, delete: true);
        return this;
    }

    private void AddSetCookie(string name, string value, FcgiCookieOptions? options, bool delete)
    {
        byte[]? rented = null;
        int max = SetCookieFormatter.GetMaxLength(name, value, options);
        Span<byte> line = max <= SetCookieFormatter.StackLimit ? stackalloc byte[SetCookieFormatter.StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            AddHeader("Set-Cookie"u8, line.Slice(0, SetCookieFormatter.Format(name, value, options, delete, line)));
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
