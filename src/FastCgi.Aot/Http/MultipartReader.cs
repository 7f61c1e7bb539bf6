using System;
using System.Diagnostics;
using System.Text;

namespace FastCgi.Aot.Http;

/// <summary>
/// An incremental reader of a <c>multipart/form-data</c> body (RFC 7578, over RFC 2046 §5.1). The
/// server feeds it the body's chunks as they arrive, of any size and split anywhere, and it reports
/// each part's start (with its name, file name and type), its content in segments, its end, and the
/// end of the body, never holding more than a small, fixed amount of the body.
/// </summary>
/// <remarks>
/// <para>The grammar (RFC 2046 §5.1.1), with the <c>multipart/form-data</c> rules of RFC 7578:</para>
/// <code>
/// multipart-body    := [preamble CRLF] dash-boundary transport-padding CRLF
///                      body-part *encapsulation close-delimiter transport-padding [CRLF epilogue]
/// encapsulation     := delimiter transport-padding CRLF body-part
/// delimiter         := CRLF dash-boundary
/// close-delimiter   := delimiter "--"
/// dash-boundary     := "--" boundary
/// transport-padding := *LWSP-char                 ; SP / HTAB, at most 64 here
/// body-part         := MIME-part-headers [CRLF *OCTET]
///
/// e.g. with boundary "AaB03x":
///   --AaB03x\r\n
///   Content-Disposition: form-data; name="files"; filename="file1.txt"\r\n    ─┐ header block,
///   Content-Type: text/plain\r\n                                               │ at most
///   \r\n                                                                      ─┘ maxHeaderBytes
///   ... contents of file1.txt ...                                              ← PartData
///   \r\n--AaB03x--\r\n                                                         ← the CRLF belongs to the delimiter
/// </code>
/// <para>
/// The delimiter is found by a vectorized search for <c>CRLF "--" boundary</c>; what follows it
/// decides what it is: <c>"--"</c> closes the body, padding then CRLF starts a part, anything else
/// makes it content (<c>--AaB03xyz</c> is data, as Go's mime/multipart reads it). A delimiter cut
/// by a chunk's end is kept in the carry buffer until the next chunk settles it, and handed back
/// as content if it was not one. Because CR occurs in the delimiter only as its first byte, a
/// failed match never hides the start of another: the bytes before the mismatching byte are
/// content, and the search resumes at it.
/// </para>
/// <para>
/// Lines end in CRLF; a bare CR or LF in a header block is an error, and in content it is content.
/// The preamble and the epilogue are ignored. <c>filename*</c> (RFC 5987) is ignored because
/// RFC 7578 §4.2 forbids it in forms: browsers send the file name as UTF-8 in <c>filename</c>,
/// with <c>"</c>, CR and LF percent-encoded (WHATWG HTML), which is passed on as sent.
/// </para>
/// <para>
/// Why a <c>Read(out event)</c> loop and not a struct callback: the server spools file parts to
/// disk off the I/O thread, so it must be able to stop between two events (a full write buffer)
/// and resume with the rest of the chunk; a callback runs to the end of the chunk with no way to
/// wait. It is also the shape of <see cref="Protocol.FcgiRecordReader"/>, which the same loop
/// drives.
/// </para>
/// <para>
/// The buffers (the header block, at most <c>maxHeaderBytes</c>, and the carry, 4 + 70 + 64 + 2
/// bytes) are allocated once, by the constructor; <see cref="Reset"/> reuses them for the next
/// request, so reading allocates nothing.
/// </para>
/// </remarks>
internal sealed class MultipartReader
{
    /// <summary>The most transport padding (SP and HTAB after a boundary) read as padding; more makes the line content.</summary>
    public const int MaxTransportPadding = 64;

    private const int MaxDelimiterLength = 4 + MediaTypeHeader.MaxBoundaryLength;

    private readonly byte[] _delimiter = new byte[MaxDelimiterLength];
    private readonly byte[] _carry = new byte[MaxDelimiterLength + MaxTransportPadding + 2];
    private readonly byte[] _headers;
    private readonly int _maxParts;
    private int _delimiterLength;
    private int _carryLength;
    private bool _carryReturned;
    private int _headerLength;
    private int _lineStart;
    private int _partCount;
    private State _state;
    private MultipartError _error;
    private int _nameStart;
    private int _nameLength;
    private int _fileNameStart;
    private int _fileNameLength;
    private bool _hasFileName;
    private int _contentTypeStart;
    private int _contentTypeLength;

    /// <summary>Creates a reader and its buffers; call <see cref="Reset"/> before each body.</summary>
    /// <param name="maxParts">The most parts a body may have; past it <see cref="MultipartError.TooManyParts"/>.</param>
    /// <param name="maxHeaderBytes">The longest header block of a part (lines, CRLFs and the blank line); past it <see cref="MultipartError.HeaderBlockTooLarge"/>.</param>
    public MultipartReader(int maxParts, int maxHeaderBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxParts);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxHeaderBytes, 2);
        _maxParts = maxParts;
        _headers = new byte[maxHeaderBytes];
    }

    private enum State : byte
    {
        Unstarted,
        Preamble,
        NextPart,
        Headers,
        Data,
        BodyEndPending,
        Epilogue,
        Failed,
    }

    private enum Match : byte
    {
        NeedMoreData,
        Mismatch,
        Delimiter,
        CloseDelimiter,
    }

    /// <summary>The limit on parts given to the constructor.</summary>
    public int MaxParts => _maxParts;

    /// <summary>The limit on a part's header block given to the constructor.</summary>
    public int MaxHeaderBytes => _headers.Length;

    /// <summary>The parts started so far in this body.</summary>
    public int PartCount => _partCount;

    /// <summary>Why the body was refused, once <see cref="Read"/> returned <see cref="MultipartEvent.Error"/>.</summary>
    public MultipartError Error => _error;

    /// <summary>
    /// The current part's <c>name</c> parameter, unquoted, as sent (UTF-8 from browsers; not
    /// percent-decoded). Valid from <see cref="MultipartEvent.PartStarted"/> to the part's
    /// <see cref="MultipartEvent.PartEnded"/>: the next part's header block overwrites it.
    /// </summary>
    public ReadOnlySpan<byte> Name => _headers.AsSpan(_nameStart, _nameLength);

    /// <summary>True when the current part has a <c>filename</c> parameter, even an empty one (a file input left empty sends <c>filename=""</c>).</summary>
    public bool HasFileName => _hasFileName;

    /// <summary>The current part's <c>filename</c>, unquoted, as sent (no path is removed); empty without one. Valid as <see cref="Name"/> is.</summary>
    public ReadOnlySpan<byte> FileName => _headers.AsSpan(_fileNameStart, _fileNameLength);

    /// <summary>
    /// The current part's Content-Type value as sent, parameters included; empty without one,
    /// which means <c>text/plain</c> (RFC 7578 §4.4). Valid as <see cref="Name"/> is.
    /// </summary>
    public ReadOnlySpan<byte> ContentType => _headers.AsSpan(_contentTypeStart, _contentTypeLength);

    /// <summary>
    /// Starts a body: takes the boundary from its Content-Type (which the caller has found to be
    /// <c>multipart/form-data</c>) and forgets the previous body.
    /// </summary>
    /// <returns><see cref="MultipartError.None"/>, or <see cref="MultipartError.MissingBoundary"/>, after which <see cref="Read"/> reports that error.</returns>
    public MultipartError Reset(ReadOnlySpan<byte> contentType)
    {
        _partCount = 0;
        _headerLength = 0;
        _lineStart = 0;
        _carryReturned = false;
        ClearPart();
        if (!MediaTypeHeader.TryGetBoundary(contentType, _delimiter.AsSpan(4), out int boundaryLength))
        {
            _carryLength = 0;
            Fail(MultipartError.MissingBoundary);
            return MultipartError.MissingBoundary;
        }

        "\r\n--"u8.CopyTo(_delimiter);
        _delimiterLength = 4 + boundaryLength;

        // The first dash-boundary may start the body with no CRLF before it: pretend one came.
        "\r\n"u8.CopyTo(_carry);
        _carryLength = 2;
        _error = MultipartError.None;
        _state = State.Preamble;
        return MultipartError.None;
    }

    /// <summary>
    /// Reads from <paramref name="input"/> until an event happens or the input is used up. Call it
    /// again with the rest of the input (<c>input[consumed..]</c>) until it returns
    /// <see cref="MultipartEvent.NeedMoreData"/>, which it does only once every byte is consumed:
    /// the caller never keeps bytes for the reader.
    /// </summary>
    /// <param name="input">The next bytes of the body.</param>
    /// <param name="consumed">How many bytes of <paramref name="input"/> were consumed; do not pass them again.</param>
    /// <param name="data">
    /// For <see cref="MultipartEvent.PartData"/>, the content: a view over <paramref name="input"/>
    /// or over the reader's carry buffer, valid until the next call to <see cref="Read"/> or <see cref="Reset"/>.
    /// </param>
    public MultipartEvent Read(ReadOnlySpan<byte> input, out int consumed, out ReadOnlySpan<byte> data)
    {
        consumed = 0;
        data = default;
        if (_carryReturned)
        {
            _carryLength = 0;
            _carryReturned = false;
        }

        while (true)
        {
            switch (_state)
            {
                case State.Preamble:
                    switch (Scan(input, ref consumed, out _))
                    {
                        case Match.NeedMoreData:
                            return MultipartEvent.NeedMoreData;
                        case Match.Mismatch:
                            // Preamble: "to be ignored" (RFC 2046 §5.1.1).
                            _carryLength = 0;
                            _carryReturned = false;
                            continue;
                        case Match.CloseDelimiter:
                            _state = State.Epilogue;
                            return MultipartEvent.BodyEnded;
                        default:
                            _state = State.NextPart;
                            continue;
                    }

                case State.NextPart:
                    if (_partCount == _maxParts)
                    {
                        return Fail(MultipartError.TooManyParts);
                    }

                    _partCount++;
                    _headerLength = 0;
                    _lineStart = 0;
                    ClearPart();
                    _state = State.Headers;
                    continue;

                case State.Headers:
                    return ReadHeaders(input, ref consumed);

                case State.Data:
                    switch (Scan(input, ref consumed, out data))
                    {
                        case Match.NeedMoreData:
                            return MultipartEvent.NeedMoreData;
                        case Match.Mismatch:
                            return MultipartEvent.PartData;
                        case Match.Delimiter:
                            _state = State.NextPart;
                            return MultipartEvent.PartEnded;
                        default:
                            _state = State.BodyEndPending;
                            return MultipartEvent.PartEnded;
                    }

                case State.BodyEndPending:
                    _state = State.Epilogue;
                    return MultipartEvent.BodyEnded;

                case State.Epilogue:
                    // "to be ignored" as well, whatever it holds.
                    consumed = input.Length;
                    return MultipartEvent.NeedMoreData;

                case State.Failed:
                    return MultipartEvent.Error;

                default:
                    throw new InvalidOperationException("Call Reset with the body's Content-Type before reading it.");
            }
        }
    }

    /// <summary>Says whether the body, now that it has ended, was complete: call it after the last chunk.</summary>
    /// <returns><see cref="MultipartError.None"/> when the close delimiter was read; otherwise the error, <see cref="MultipartError.UnterminatedBody"/> if there was none before.</returns>
    public MultipartError Complete()
    {
        switch (_state)
        {
            case State.BodyEndPending:
            case State.Epilogue:
                return MultipartError.None;
            case State.Failed:
                return _error;
            case State.Unstarted:
                throw new InvalidOperationException("Call Reset with the body's Content-Type before reading it.");
            default:
                Fail(MultipartError.UnterminatedBody);
                return MultipartError.UnterminatedBody;
        }
    }

    /// <summary>
    /// Finds the next delimiter line. Bytes before it come back as <see cref="Match.Mismatch"/> with
    /// <paramref name="data"/> set: a run of the input, or the carry when a delimiter it held
    /// turned out to be content.
    /// </summary>
    private Match Scan(ReadOnlySpan<byte> input, scoped ref int consumed, out ReadOnlySpan<byte> data)
    {
        data = default;
        if (_carryLength == 0)
        {
            ReadOnlySpan<byte> rest = input.Slice(consumed);
            if (rest.IsEmpty)
            {
                return Match.NeedMoreData;
            }

            int start = FindDelimiterStart(rest);
            if (start > 0)
            {
                data = rest.Slice(0, start);
                consumed += start;
                return Match.Mismatch;
            }
        }

        Match match = ContinueMatch(input, ref consumed);
        if (match == Match.Mismatch)
        {
            Debug.Assert(_carryLength > 0, "A match starts at a CR, so a mismatch always leaves the CR to hand back.");
            data = _carry.AsSpan(0, _carryLength);
            _carryReturned = true;
        }
        else if (match != Match.NeedMoreData)
        {
            _carryLength = 0;
        }

        return match;
    }

    /// <summary>
    /// Where a delimiter may start in <paramref name="rest"/>: the first whole delimiter, else the
    /// first CR from which the rest is a prefix of one, else the end.
    /// </summary>
    private int FindDelimiterStart(ReadOnlySpan<byte> rest)
    {
        ReadOnlySpan<byte> delimiter = _delimiter.AsSpan(0, _delimiterLength);
        int found = rest.IndexOf(delimiter);
        if (found >= 0)
        {
            return found;
        }

        int from = Math.Max(0, rest.Length - delimiter.Length + 1);
        while (from < rest.Length)
        {
            int cr = rest.Slice(from).IndexOf((byte)'\r');
            if (cr < 0)
            {
                break;
            }

            if (delimiter.StartsWith(rest.Slice(from + cr)))
            {
                return from + cr;
            }

            from += cr + 1;
        }

        return rest.Length;
    }

    /// <summary>
    /// Matches the input, byte by byte, against the delimiter line the carry has begun: the
    /// delimiter, then "--" or padding and CRLF. Matched bytes go to the carry; a mismatching byte
    /// is not consumed.
    /// </summary>
    private Match ContinueMatch(ReadOnlySpan<byte> input, ref int consumed)
    {
        while (consumed < input.Length)
        {
            byte b = input[consumed];
            int length = _carryLength;
            if (length < _delimiterLength)
            {
                if (b != _delimiter[length])
                {
                    return Match.Mismatch;
                }
            }
            else
            {
                int tail = length - _delimiterLength;
                byte previous = _carry[length - 1];
                if (tail == 1 && previous == (byte)'-')
                {
                    if (b != (byte)'-')
                    {
                        return Match.Mismatch;
                    }

                    consumed++;
                    return Match.CloseDelimiter;
                }

                if (tail > 0 && previous == (byte)'\r')
                {
                    if (b != (byte)'\n')
                    {
                        return Match.Mismatch;
                    }

                    consumed++;
                    return Match.Delimiter;
                }

                bool fits = (b == (byte)'-' && tail == 0) || b == (byte)'\r' || (HttpCharacters.IsWhitespace(b) && tail < MaxTransportPadding);
                if (!fits)
                {
                    return Match.Mismatch;
                }
            }

            _carry[length] = b;
            _carryLength = length + 1;
            consumed++;
        }

        return Match.NeedMoreData;
    }

    /// <summary>Collects the header block line by line, up to the blank line, then parses it.</summary>
    private MultipartEvent ReadHeaders(ReadOnlySpan<byte> input, ref int consumed)
    {
        while (consumed < input.Length)
        {
            ReadOnlySpan<byte> rest = input.Slice(consumed);
            int lf = rest.IndexOf((byte)'\n');
            int take = lf < 0 ? rest.Length : lf + 1;
            if (take > _headers.Length - _headerLength)
            {
                return Fail(MultipartError.HeaderBlockTooLarge);
            }

            rest.Slice(0, take).CopyTo(_headers.AsSpan(_headerLength));
            _headerLength += take;
            consumed += take;
            if (lf < 0)
            {
                return MultipartEvent.NeedMoreData;
            }

            int lineLength = _headerLength - _lineStart;
            if (lineLength < 2 || _headers[_headerLength - 2] != (byte)'\r')
            {
                return Fail(MultipartError.InvalidPartHeader);     // a bare LF
            }

            if (lineLength == 2)
            {
                MultipartError error = ParseHeaderBlock(_lineStart);
                if (error != MultipartError.None)
                {
                    return Fail(error);
                }

                _state = State.Data;
                return MultipartEvent.PartStarted;
            }

            _lineStart = _headerLength;
        }

        return MultipartEvent.NeedMoreData;
    }

    /// <summary>
    /// Parses the header lines in <c>_headers[..end]</c>, each known to end in CRLF:
    /// <code>
    /// field-line = field-name ":" OWS field-value OWS          (RFC 9112 §5)
    /// </code>
    /// Content-Disposition and Content-Type are read; other fields are ignored (RFC 7578 §4.8).
    /// </summary>
    private MultipartError ParseHeaderBlock(int end)
    {
        bool hasDisposition = false;
        bool hasContentType = false;
        int start = 0;
        while (start < end)
        {
            int lineLength = _headers.AsSpan(start, end - start).IndexOf((byte)'\n') - 1;
            Span<byte> line = _headers.AsSpan(start, lineLength);

            // A line starting with whitespace continues the previous one (obs-fold), which
            // RFC 9112 §5.2 lets a server refuse; a CR or NUL inside a value is invalid (RFC 9110 §5.5).
            int colon = line.IndexOf((byte)':');
            if (HttpCharacters.IsWhitespace(line[0]) || line.IndexOfAny((byte)'\r', (byte)0) >= 0 ||
                colon <= 0 || !HttpCharacters.IsToken(line.Slice(0, colon)))
            {
                return MultipartError.InvalidPartHeader;
            }

            ReadOnlySpan<byte> name = line.Slice(0, colon);
            int valueStart = colon + 1;
            while (valueStart < line.Length && HttpCharacters.IsWhitespace(line[valueStart]))
            {
                valueStart++;
            }

            Span<byte> value = line.Slice(valueStart).TrimEnd(" \t"u8);
            if (Ascii.EqualsIgnoreCase(name, "Content-Disposition"u8))
            {
                if (hasDisposition || !TryParseDisposition(value, start + valueStart))
                {
                    return MultipartError.InvalidContentDisposition;
                }

                hasDisposition = true;
            }
            else if (Ascii.EqualsIgnoreCase(name, "Content-Type"u8))
            {
                if (hasContentType)
                {
                    return MultipartError.InvalidPartHeader;
                }

                hasContentType = true;
                _contentTypeStart = start + valueStart;
                _contentTypeLength = value.Length;
            }

            start += lineLength + 2;
        }

        return hasDisposition ? MultipartError.None : MultipartError.InvalidContentDisposition;
    }

    /// <summary>
    /// Reads <c>form-data; name="field"[; filename="file"]</c> (RFC 7578 §4.2; the parameter
    /// grammar of RFC 6266 §4.1), unquoting the two values in place in the header buffer.
    /// </summary>
    /// <param name="value">The field value, a view of the header buffer.</param>
    /// <param name="offset">Where <paramref name="value"/> starts in the header buffer.</param>
    private bool TryParseDisposition(Span<byte> value, int offset)
    {
        int typeLength = HttpCharacters.TokenLength(value);
        if (!Ascii.EqualsIgnoreCase(value.Slice(0, typeLength), "form-data"u8))
        {
            return false;
        }

        Span<byte> parameters = value.Slice(typeLength);
        var reader = new HeaderParameterReader(parameters);
        bool hasName = false;
        while (reader.TryRead(out ReadOnlySpan<byte> parameterName, out int start, out int length))
        {
            // Two names or two file names: which one a peer would use is anyone's guess.
            bool isName = Ascii.EqualsIgnoreCase(parameterName, "name"u8);
            if (!isName && !Ascii.EqualsIgnoreCase(parameterName, "filename"u8))
            {
                continue;
            }

            if (isName ? hasName : _hasFileName)
            {
                return false;
            }

            // Unquoting only shortens, so the value is decoded where it lies.
            Span<byte> raw = parameters.Slice(start, length);
            int decoded = HeaderParameterReader.Unquote(raw, raw);
            int absolute = offset + typeLength + start;
            if (isName)
            {
                hasName = true;
                _nameStart = absolute;
                _nameLength = decoded;
            }
            else
            {
                _hasFileName = true;
                _fileNameStart = absolute;
                _fileNameLength = decoded;
            }
        }

        return hasName && !reader.IsMalformed;
    }

    private void ClearPart()
    {
        _nameStart = _nameLength = 0;
        _fileNameStart = _fileNameLength = 0;
        _contentTypeStart = _contentTypeLength = 0;
        _hasFileName = false;
    }

    private MultipartEvent Fail(MultipartError error)
    {
        _state = State.Failed;
        _error = error;
        return MultipartEvent.Error;
    }
}
