namespace FastCgi.Aot.Protocol;

/// <summary>What a call to <see cref="FcgiRecordReader"/> found.</summary>
public enum FcgiReadStatus : byte
{
    /// <summary>Every byte given was consumed and no fragment is complete yet: supply more bytes.</summary>
    NeedMoreData = 0,

    /// <summary>A fragment of a record is available.</summary>
    Fragment = 1,

    /// <summary>A header carried a version other than 1. The stream cannot be trusted past this point.</summary>
    UnsupportedVersion = 2,
}
