namespace FastCgi.Aot.Http;

/// <summary>What a call to <see cref="MultipartReader.Read"/> found.</summary>
internal enum MultipartEvent : byte
{
    /// <summary>Every byte given was consumed: supply the next chunk (or call <see cref="MultipartReader.Complete"/> at the end of the body).</summary>
    NeedMoreData = 0,

    /// <summary>A part's header block was read: <see cref="MultipartReader.Name"/>, <see cref="MultipartReader.FileName"/> and <see cref="MultipartReader.ContentType"/> describe it.</summary>
    PartStarted = 1,

    /// <summary>Bytes of the current part's content, in the <c>data</c> span; never empty.</summary>
    PartData = 2,

    /// <summary>The current part's content is complete (its delimiter was read).</summary>
    PartEnded = 3,

    /// <summary>The close delimiter was read: the body is complete; whatever follows is the epilogue, consumed and ignored.</summary>
    BodyEnded = 4,

    /// <summary>The body is malformed or over a limit; <see cref="MultipartReader.Error"/> says how. Every later call returns this again.</summary>
    Error = 5,
}
