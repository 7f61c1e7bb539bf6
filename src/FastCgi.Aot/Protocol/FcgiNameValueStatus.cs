namespace FastCgi.Aot.Protocol;

/// <summary>What <see cref="FcgiNameValueReader.Read"/> found.</summary>
public enum FcgiNameValueStatus : byte
{
    /// <summary>A name-value pair was read.</summary>
    Pair = 0,

    /// <summary>The input is used up exactly at a pair boundary.</summary>
    End = 1,

    /// <summary>
    /// The input ends inside a pair: its lengths or its bytes run past the end. For a complete
    /// PARAMS stream this is a malformed (truncated) pair; for a partial one, more bytes may complete it.
    /// </summary>
    Incomplete = 2,

    /// <summary>A declared length exceeds the reader's limit. Nothing is read past the lengths.</summary>
    LengthOverLimit = 3,
}
