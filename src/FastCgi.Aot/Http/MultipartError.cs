namespace FastCgi.Aot.Http;

/// <summary>Why a <c>multipart/form-data</c> body was refused. Each is the client's fault: answer 400 (413 for the limits, if preferred).</summary>
internal enum MultipartError : byte
{
    /// <summary>No error.</summary>
    None = 0,

    /// <summary>The Content-Type has no <c>boundary</c>, or one RFC 2046 §5.1.1 does not allow (empty, over 70 characters, a character outside <c>bchars</c>, a trailing space).</summary>
    MissingBoundary = 1,

    /// <summary>The body has more parts than the reader's limit.</summary>
    TooManyParts = 2,

    /// <summary>A part's header block (its lines, CRLFs and the blank line) is longer than the reader's limit.</summary>
    HeaderBlockTooLarge = 3,

    /// <summary>A header line is malformed: no colon, a name that is not a token, a bare CR or LF, a NUL, a folded line, or a second Content-Type.</summary>
    InvalidPartHeader = 4,

    /// <summary>A part has no Content-Disposition, or one that is not <c>form-data</c> with exactly one <c>name</c> (RFC 7578 §4.2), or malformed parameters.</summary>
    InvalidContentDisposition = 5,

    /// <summary>The body ended before its close delimiter (or held no delimiter at all).</summary>
    UnterminatedBody = 6,
}
