using FastCgi.Aot.Protocol;

namespace FastCgi.Aot.Tests.Protocol;

/// <summary>
/// A whole Responder request as a web server sends it, written out byte by byte from
/// FastCGI 1.0 §3.3, §3.4, §5.1 and §5.3: BEGIN_REQUEST, a PARAMS record with three pairs,
/// the empty PARAMS record, a padded STDIN record and the empty STDIN record.
/// </summary>
internal static class RequestStreamVector
{
    public static readonly byte[] CookieValue = Wire.Ascii("session=" + new string('c', 122));

    public static readonly byte[] ParamsContent = Wire.Concat(
        Wire.Hex("0B 0A"), Wire.Ascii("SCRIPT_NAME"), Wire.Ascii("/index.php"),
        Wire.Hex("0C 00"), Wire.Ascii("QUERY_STRING"),
        // 130 is over 127, so the value length takes the 4-byte form with the top bit set.
        Wire.Hex("0B 80 00 00 82"), Wire.Ascii("HTTP_COOKIE"), CookieValue);

    public static readonly byte[] Bytes = Wire.Concat(
        // BEGIN_REQUEST, id 1, 8 content bytes, no padding: role 1 (Responder), flags 1 (KEEP_CONN).
        Wire.Hex("01 01 00 01 00 08 00 00"), Wire.Hex("00 01 01 00 00 00 00 00"),
        // PARAMS, id 1, 183 (0xB7) content bytes, 1 padding byte.
        Wire.Hex("01 04 00 01 00 B7 01 00"), ParamsContent, Wire.Hex("00"),
        // The empty PARAMS record ends the stream.
        Wire.Hex("01 04 00 01 00 00 00 00"),
        // STDIN, id 1, "hello", 3 padding bytes.
        Wire.Hex("01 05 00 01 00 05 03 00"), Wire.Ascii("hello"), Wire.Hex("00 00 00"),
        // The empty STDIN record.
        Wire.Hex("01 05 00 01 00 00 00 00"));

    public static ReceivedRecord[] ExpectedRecords() =>
    [
        new(new FcgiRecordHeader(FcgiRecordType.BeginRequest, 1, 8, 0), Wire.Hex("00 01 01 00 00 00 00 00")),
        new(new FcgiRecordHeader(FcgiRecordType.Params, 1, 183, 1), ParamsContent),
        new(new FcgiRecordHeader(FcgiRecordType.Params, 1, 0, 0), []),
        new(new FcgiRecordHeader(FcgiRecordType.Stdin, 1, 5, 3), Wire.Ascii("hello")),
        new(new FcgiRecordHeader(FcgiRecordType.Stdin, 1, 0, 0), []),
    ];

    /// <summary>The offsets at which each record of <see cref="Bytes"/> starts, and its end.</summary>
    public static readonly int[] RecordBoundaries = [0, 16, 16 + 8 + 183 + 1, 216, 216 + 16, 240];
}
