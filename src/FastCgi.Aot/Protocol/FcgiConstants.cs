using System;

namespace FastCgi.Aot.Protocol;

/// <summary>Numbers and names fixed by FastCGI 1.0.</summary>
public static class FcgiConstants
{
    /// <summary>FCGI_VERSION_1, the only version this library speaks.</summary>
    public const byte Version1 = 1;

    /// <summary>FCGI_HEADER_LEN: every record starts with an 8-byte header.</summary>
    public const int HeaderLength = 8;

    /// <summary>The largest content a single record can carry (a 16-bit length).</summary>
    public const int MaxContentLength = ushort.MaxValue;

    /// <summary>The largest padding a single record can carry (an 8-bit length).</summary>
    public const int MaxPaddingLength = byte.MaxValue;

    /// <summary>The length of the FCGI_BEGIN_REQUEST, FCGI_END_REQUEST and FCGI_UNKNOWN_TYPE bodies.</summary>
    public const int FixedBodyLength = 8;

    /// <summary>The length of a whole record with a fixed 8-byte body: header and body, no padding.</summary>
    public const int FixedBodyRecordLength = HeaderLength + FixedBodyLength;

    /// <summary>FCGI_NULL_REQUEST_ID: management records use request id 0.</summary>
    public const ushort ManagementRequestId = 0;

    /// <summary>FCGI_LISTENSOCK_FILENO: the descriptor on which a spawned application finds its listening socket.</summary>
    public const int ListenSocketFileNumber = 0;

    /// <summary>The largest length a name-value pair may declare: 31 bits (FastCGI 1.0 §3.4).</summary>
    public const int MaxNameValueLength = int.MaxValue;

    /// <summary>FCGI_MAX_CONNS: the largest number of concurrent connections the application accepts.</summary>
    public static ReadOnlySpan<byte> MaxConnections => "FCGI_MAX_CONNS"u8;

    /// <summary>FCGI_MAX_REQS: the largest number of concurrent requests the application accepts.</summary>
    public static ReadOnlySpan<byte> MaxRequests => "FCGI_MAX_REQS"u8;

    /// <summary>FCGI_MPXS_CONNS: "1" when the application multiplexes connections, else "0".</summary>
    public static ReadOnlySpan<byte> MultiplexesConnections => "FCGI_MPXS_CONNS"u8;
}
