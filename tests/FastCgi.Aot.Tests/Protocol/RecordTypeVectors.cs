using FastCgi.Aot.Protocol;

namespace FastCgi.Aot.Tests.Protocol;

/// <summary>
/// One whole record of every type FastCGI 1.0 defines (§8, types 1–11), written out from the
/// spec: the header (§3.3), the content, then zero padding up to a multiple of 8.
/// Columns: type, request id, content, the whole record.
/// </summary>
public static class RecordTypeVectors
{
    public static TheoryData<FcgiRecordType, ushort, string, string> All => new()
    {
        // Role 1 (Responder), flags 1 (KEEP_CONN), 5 reserved bytes.
        { FcgiRecordType.BeginRequest, 1, "00 01 01 00 00 00 00 00", "01 01 00 01 00 08 00 00 00 01 01 00 00 00 00 00" },
        { FcgiRecordType.AbortRequest, 1, "", "01 02 00 01 00 00 00 00" },
        // appStatus 0, protocolStatus 0 (REQUEST_COMPLETE), 3 reserved bytes.
        { FcgiRecordType.EndRequest, 1, "00 00 00 00 00 00 00 00", "01 03 00 01 00 08 00 00 00 00 00 00 00 00 00 00" },
        // The pair A=B: 4 content bytes, 4 padding bytes.
        { FcgiRecordType.Params, 1, "01 01 41 42", "01 04 00 01 00 04 04 00 01 01 41 42 00 00 00 00" },
        // "abc": 3 content bytes, 5 padding bytes.
        { FcgiRecordType.Stdin, 1, "61 62 63", "01 05 00 01 00 03 05 00 61 62 63 00 00 00 00 00" },
        // "ok\r\n".
        { FcgiRecordType.Stdout, 1, "6F 6B 0D 0A", "01 06 00 01 00 04 04 00 6F 6B 0D 0A 00 00 00 00" },
        // Request id 0x0102 shows the id is big-endian.
        { FcgiRecordType.Stderr, 0x0102, "65 72 72", "01 07 01 02 00 03 05 00 65 72 72 00 00 00 00 00" },
        // 8 content bytes need no padding.
        { FcgiRecordType.Data, 1, "01 02 03 04 05 06 07 08", "01 08 00 01 00 08 00 00 01 02 03 04 05 06 07 08" },
        // Management, id 0: the name FCGI_MPXS_CONNS with an empty value, 17 bytes, 7 padding.
        {
            FcgiRecordType.GetValues, 0,
            "0F 00 46 43 47 49 5F 4D 50 58 53 5F 43 4F 4E 4E 53",
            "01 09 00 00 00 11 07 00 0F 00 46 43 47 49 5F 4D 50 58 53 5F 43 4F 4E 4E 53 00 00 00 00 00 00 00"
        },
        // FCGI_MPXS_CONNS=0: 18 bytes, 6 padding.
        {
            FcgiRecordType.GetValuesResult, 0,
            "0F 01 46 43 47 49 5F 4D 50 58 53 5F 43 4F 4E 4E 53 30",
            "01 0A 00 00 00 12 06 00 0F 01 46 43 47 49 5F 4D 50 58 53 5F 43 4F 4E 4E 53 30 00 00 00 00 00 00"
        },
        // The unknown type 12, then 7 reserved bytes.
        { FcgiRecordType.UnknownType, 0, "0C 00 00 00 00 00 00 00", "01 0B 00 00 00 08 00 00 0C 00 00 00 00 00 00 00" },
    };
}
