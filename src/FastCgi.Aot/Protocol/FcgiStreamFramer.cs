using System;
using FastCgi.Aot.Internal;

namespace FastCgi.Aot.Protocol;

/// <summary>
/// Frames one output stream (FCGI_STDOUT or FCGI_STDERR of one request) into records in place,
/// while its content is written: the bytes a handler writes land where they will be sent from,
/// so a response body is copied once on its way to the socket (from the handler into this
/// buffer), not twice (into a body buffer, then into a send buffer).
/// </summary>
/// <remarks>
/// <para>Layout of the buffer, records back to back as they go on the wire (FastCGI 1.0 §3.3):</para>
/// <code>
///  0          front                                                            Length
///  | reserved  | header | content ... | padding | header | content ... (open)  |
///  |  (gap)    |   8    |  &lt;= 65535   |  0..7   |   8    | written so far       |
/// </code>
/// <para>The open record's header slot is filled when the record is closed: when the next write
/// would pass 65,535 content bytes, or by <see cref="CloseRecord"/> before a send. The gap at the
/// front, reserved before the first record, takes a record that must precede the stream but is
/// known only at the end (the CGI header block, whose Content-Length counts the body), so that
/// the whole answer still leaves in one contiguous send.</para>
/// <para>Padding brings each record to a multiple of 8, as §3.3 recommends; it is always
/// <see cref="FcgiRecordHeader.PaddingFor"/>, the rule <see cref="FcgiRecordWriter"/> uses.</para>
/// </remarks>
internal struct FcgiStreamFramer
{
    private GrowableBuffer _buffer;
    private FcgiRecordType _type;
    private ushort _requestId;

    // Where the first byte to send is: the end of the gap, or earlier once a record was put in it.
    private int _front;

    // The open record's header slot, or -1 when no record is open.
    private int _open;

    // Content bytes framed since the last Reset or Consume.
    private long _content;

    public FcgiStreamFramer()
    {
        _buffer = new GrowableBuffer();
        _open = -1;
    }

    /// <summary>The framed bytes, from <see cref="Front"/> to the end, including an open record not yet closed.</summary>
    public readonly int Length => _buffer.Length;

    /// <summary>Where the bytes to send start.</summary>
    public readonly int Front => _front;

    /// <summary>True when nothing was framed since the last <see cref="Reset"/> or <see cref="Consume"/>.</summary>
    public readonly bool IsEmpty => _buffer.Length == _front;

    /// <summary>The closed records (and anything appended after them), ready to send: valid until the next write.</summary>
    public readonly ReadOnlyMemory<byte> Framed => _buffer.WrittenMemory.Slice(_front);

    /// <summary>The content bytes (headers and padding not counted) framed since the last <see cref="Reset"/> or <see cref="Consume"/>.</summary>
    public readonly long ContentLength => _content;

    /// <summary>The allocated capacity, for tests of what a pooled request keeps.</summary>
    public readonly int Capacity => _buffer.Capacity;

    /// <summary>Starts a new stream for <paramref name="type"/> on <paramref name="requestId"/>; keeps a small buffer.</summary>
    public void Reset(FcgiRecordType type, ushort requestId)
    {
        _buffer.Reset();
        _type = type;
        _requestId = requestId;
        _front = 0;
        _open = -1;
        _content = 0;
    }

    /// <summary>Returns the buffer to the pool.</summary>
    public void Release()
    {
        _buffer.Release();
        _front = 0;
        _open = -1;
        _content = 0;
    }

    /// <summary>
    /// Reserves <paramref name="length"/> bytes at the front for a record that must go before the
    /// stream's content (<see cref="PutInFront"/>). Only before anything was written.
    /// </summary>
    public void ReserveFront(int length)
    {
        if (_buffer.Length != 0)
        {
            throw new InvalidOperationException("The front can be reserved only before the stream's first byte.");
        }

        _buffer.GetSpan(length);
        _buffer.Advance(length);
        _front = length;
    }

    /// <summary>
    /// Puts complete records just before the first byte to send: in the gap reserved at the front
    /// when they fit (the usual case, no copy of the stream), otherwise by moving the stream to
    /// make room (headers added after a large body was written).
    /// </summary>
    public void PutInFront(ReadOnlySpan<byte> records)
    {
        int missing = records.Length - _front;
        if (missing > 0)
        {
            int length = _buffer.Length;
            _buffer.GetSpan(missing);
            _buffer.Advance(missing);
            Span<byte> all = _buffer.WrittenSpanForUpdate;
            all.Slice(_front, length - _front).CopyTo(all.Slice(_front + missing));
            _front += missing;
            if (_open >= 0)
            {
                _open += missing;
            }
        }

        _front -= records.Length;
        records.CopyTo(_buffer.WrittenSpanForUpdate.Slice(_front));
    }

    /// <summary>
    /// Puts <paramref name="content"/> at the start of the stream's first record, when that record
    /// is still open and the gap before it holds the bytes: a small answer's header block and
    /// body then travel in one record, as a web server would frame them. False, changing nothing,
    /// otherwise (frame a record of its own with <see cref="PutInFront"/>).
    /// </summary>
    public bool TryPrependToFirstRecord(ReadOnlySpan<byte> content)
    {
        if (_open < 0 || _open != _front || content.Length > _front || ContentOfOpen + content.Length > FcgiConstants.MaxContentLength)
        {
            return false;
        }

        // The record's header slot moves back by the content's length; the content ends where
        // the old slot ended, just before the first byte already written.
        int slot = _open - content.Length;
        content.CopyTo(_buffer.WrittenSpanForUpdate.Slice(slot + FcgiConstants.HeaderLength));
        _open = slot;
        _front = slot;
        return true;
    }

    /// <summary>
    /// A span for at least <paramref name="sizeHint"/> content bytes in the open record (opening
    /// one, or closing the open one first when the hint would take it past 65,535 bytes).
    /// </summary>
    public Span<byte> GetSpan(int sizeHint)
    {
        sizeHint = Math.Max(sizeHint, 1);
        if (_open >= 0 && ContentOfOpen + sizeHint > FcgiConstants.MaxContentLength && ContentOfOpen > 0)
        {
            CloseRecord();
        }

        if (_open < 0)
        {
            Open();
        }

        return _buffer.GetSpan(sizeHint);
    }

    /// <summary>As <see cref="GetSpan"/>, as memory.</summary>
    public Memory<byte> GetMemory(int sizeHint)
    {
        GetSpan(sizeHint);
        return _buffer.GetMemory(Math.Max(sizeHint, 1));
    }

    /// <summary>Commits <paramref name="count"/> content bytes written into the span <see cref="GetSpan"/> returned.</summary>
    public void Advance(int count)
    {
        _buffer.Advance(count);
        _content += count;
        if (ContentOfOpen > FcgiConstants.MaxContentLength)
        {
            SplitOpen();
        }
    }

    /// <summary>Appends content, splitting it into records of at most 65,535 bytes.</summary>
    public void Write(ReadOnlySpan<byte> content)
    {
        // Room for all of it (and a header and padding per record) at once: a large write then
        // grows the buffer once instead of doubling it, and copying it, record by record.
        if (content.Length > FcgiConstants.MaxContentLength)
        {
            long records = (content.Length / FcgiConstants.MaxContentLength) + 2;
            _buffer.GetSpan((int)Math.Min(Array.MaxLength - (long)_buffer.Length, content.Length + (records * (FcgiConstants.HeaderLength + 8))));
        }

        while (!content.IsEmpty)
        {
            if (_open < 0 || ContentOfOpen == FcgiConstants.MaxContentLength)
            {
                CloseRecord();
                Open();
            }

            int chunk = Math.Min(content.Length, FcgiConstants.MaxContentLength - ContentOfOpen);
            Span<byte> destination = _buffer.GetSpan(chunk);
            content.Slice(0, chunk).CopyTo(destination);
            _buffer.Advance(chunk);
            _content += chunk;
            content = content.Slice(chunk);
        }
    }

    /// <summary>Fills the open record's header and padding; an open record with no content is dropped.</summary>
    public void CloseRecord()
    {
        if (_open < 0)
        {
            return;
        }

        int content = ContentOfOpen;
        if (content == 0)
        {
            _buffer.Truncate(_open);
            _open = -1;
            return;
        }

        byte padding = FcgiRecordHeader.PaddingFor(content);
        Span<byte> pad = _buffer.GetSpan(padding);
        pad.Slice(0, padding).Clear();
        _buffer.Advance(padding);
        new FcgiRecordHeader(_type, _requestId, (ushort)content, padding).Write(_buffer.WrittenSpanForUpdate.Slice(_open));
        _open = -1;
    }

    /// <summary>Appends complete records (the end of a stream, END_REQUEST) after the closed ones. Closes the open record first.</summary>
    public void AppendRecords(ReadOnlySpan<byte> records)
    {
        CloseRecord();
        _buffer.TryAppend(records, int.MaxValue);
    }

    /// <summary>Appends the empty record that ends this stream (FastCGI 1.0 §3.3).</summary>
    public void AppendEndOfStream()
    {
        CloseRecord();
        Span<byte> record = _buffer.GetSpan(FcgiConstants.HeaderLength);
        _buffer.Advance(FcgiRecordWriter.WriteEndOfStream(record, _type, _requestId));
    }

    /// <summary>Appends an END_REQUEST record for this stream's request.</summary>
    public void AppendEndRequest(uint appStatus, FcgiProtocolStatus protocolStatus)
    {
        CloseRecord();
        Span<byte> record = _buffer.GetSpan(FcgiConstants.FixedBodyRecordLength);
        _buffer.Advance(FcgiRecordWriter.WriteEndRequest(record, _requestId, appStatus, protocolStatus));
    }

    /// <summary>
    /// Forgets everything framed: it was sent. The stream goes on with the next record (no gap),
    /// in the same array: a streamed body's pieces reuse it, and <see cref="Reset"/> or
    /// <see cref="Release"/> at the request's end gives a large one back.
    /// </summary>
    public void Consume()
    {
        _buffer.Clear();
        _front = 0;
        _open = -1;
        _content = 0;
    }

    /// <summary>Copies the content of every record (headers and padding skipped) to <paramref name="destination"/>; for answers that go nowhere near a socket (CGI mode, tests).</summary>
    public readonly void CopyContentTo(System.Buffers.IBufferWriter<byte> destination)
    {
        ReadOnlySpan<byte> all = _buffer.WrittenSpan;
        int offset = _front;
        while (offset < all.Length)
        {
            int content;
            int length;
            if (offset == _open)
            {
                // The open record: its header slot is not filled yet, its content runs to the end.
                content = all.Length - offset - FcgiConstants.HeaderLength;
                length = all.Length - offset;
            }
            else
            {
                FcgiRecordHeader.TryRead(all.Slice(offset), out FcgiRecordHeader header);
                content = header.Type == _type ? header.ContentLength : 0;
                length = header.RecordLength;
            }

            ReadOnlySpan<byte> part = all.Slice(offset + FcgiConstants.HeaderLength, content);
            part.CopyTo(destination.GetSpan(part.Length));
            destination.Advance(part.Length);
            offset += length;
        }
    }

    private readonly int ContentOfOpen => _open < 0 ? 0 : _buffer.Length - _open - FcgiConstants.HeaderLength;

    private void Open()
    {
        _open = _buffer.Length;
        _buffer.GetSpan(FcgiConstants.HeaderLength);
        _buffer.Advance(FcgiConstants.HeaderLength);
    }

    /// <summary>
    /// The open record took more than 65,535 bytes in one <see cref="Advance"/> (a caller asked
    /// <see cref="GetSpan"/> for more than a record holds): cut it into records, moving the tail
    /// to make room for each header and padding. Only a single write larger than a record does this.
    /// </summary>
    private void SplitOpen()
    {
        while (ContentOfOpen > FcgiConstants.MaxContentLength)
        {
            int recordEnd = _open + FcgiConstants.HeaderLength + FcgiConstants.MaxContentLength;
            int tail = _buffer.Length - recordEnd;
            byte padding = FcgiRecordHeader.PaddingFor(FcgiConstants.MaxContentLength);
            int gap = padding + FcgiConstants.HeaderLength;
            _buffer.GetSpan(gap);
            _buffer.Advance(gap);
            Span<byte> all = _buffer.WrittenSpanForUpdate;
            all.Slice(recordEnd, tail).CopyTo(all.Slice(recordEnd + gap));
            all.Slice(recordEnd, padding).Clear();
            new FcgiRecordHeader(_type, _requestId, FcgiConstants.MaxContentLength, padding).Write(all.Slice(_open));
            _open = recordEnd + padding;
        }
    }
}
