using System;
using System.IO;
using FastCgi.Aot.Internal;

namespace FastCgi.Aot;

/// <summary>
/// A file uploaded in a <c>multipart/form-data</c> body: bind it as a handler parameter of this
/// type (the part named after the parameter, or <c>[FcgiForm("name")]</c>), or find it in
/// <c>FcgiRequest.Form</c>.
/// </summary>
/// <remarks>
/// Its content lives in memory up to <c>--spool-threshold-bytes</c> and in a temporary file past
/// it (see <see cref="FcgiRequest.OpenBodyStream"/>); read it with <see cref="OpenRead"/>. Like
/// the request, it is valid only while the handler runs: the temporary file is gone once the
/// request ends.
/// </remarks>
public sealed class FcgiFile
{
    private readonly SpooledBuffer _content;

    internal FcgiFile(string name, string fileName, string contentType, SpooledBuffer content)
    {
        Name = name;
        FileName = fileName;
        ContentType = contentType;
        _content = content;
    }

    /// <summary>The form field's name (the <c>name</c> of its Content-Disposition).</summary>
    public string Name { get; }

    /// <summary>
    /// The file name the browser sent, without any directory part (browsers on Windows used to send
    /// the whole path). It is the client's word: never use it as a path on the server unchecked.
    /// </summary>
    public string FileName { get; }

    /// <summary>The part's Content-Type, as the browser sent it; <c>application/octet-stream</c> when it sent none.</summary>
    public string ContentType { get; }

    /// <summary>The file's size in bytes.</summary>
    public long Length => _content.Length;

    /// <summary>True when the file was larger than <c>--spool-threshold-bytes</c> and lives in a temporary file.</summary>
    public bool IsSpooled => _content.IsSpooled;

    /// <summary>
    /// A read-only stream over the file's content, from its start. For a spooled file,
    /// <c>ReadAsync</c> and <c>CopyToAsync</c> read on the thread pool, while <c>Read</c> reads
    /// on the caller's thread (a disk read: in a handler on an I/O thread, prefer the async
    /// methods or mark the handler <c>Blocking = true</c>).
    /// </summary>
    public Stream OpenRead() => _content.OpenStream();

    /// <summary>The content as bytes in memory, for a small file (not spooled).</summary>
    /// <exception cref="InvalidOperationException">The file was spooled: read it with <see cref="OpenRead"/>.</exception>
    public ReadOnlyMemory<byte> GetBytes() =>
        _content.IsSpooled
            ? throw new InvalidOperationException($"The file '{FileName}' ({Length} bytes) is larger than --spool-threshold-bytes and lives in a temporary file: read it with OpenRead().")
            : _content.Memory;

    internal SpooledBuffer Content => _content;

    /// <inheritdoc />
    public override string ToString() => $"{Name}: {FileName} ({ContentType}, {Length} bytes)";
}
