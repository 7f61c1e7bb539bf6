using System;
using System.Globalization;
using FastCgi.Aot;

namespace Notes;

/// <summary>Downloads of uploaded files.</summary>
internal static class Files
{
    /// <summary>
    /// Streams the file's chunks from the database to the response, one at a time. A Blocking
    /// handler's synchronous write waits for the web server to take the bytes, so a slow client
    /// holds one chunk in memory, not the file. Always <c>application/octet-stream</c> and an
    /// attachment, whatever type the uploader claimed: served inline as <c>text/html</c>, an upload
    /// could run script on this site.
    /// </summary>
    [FcgiRoute("/files/{id}", Blocking = true)]
    public static void Download(long id, FcgiResponse response)
    {
        if (NotesDatabase.GetFile(id) is not { } file)
        {
            response.StatusCode = 404;
            response.ContentType = "text/plain; charset=utf-8";
            response.Write("No such file.\n");
            return;
        }

        response.ContentType = "application/octet-stream";
        response.ContentLength = file.Length;
        response.AddHeader("Content-Disposition", "attachment; filename=\"" + HeaderSafeFileName(file.Name) + "\"");
        response.AddHeader("X-Content-Type-Options", "nosniff");
        response.AddHeader("X-Content-CRC32", file.Crc32.ToString("x8", CultureInfo.InvariantCulture));
        using FileChunkReader chunks = NotesDatabase.ReadChunks(id);
        while (chunks.TryReadNext(out ReadOnlySpan<byte> chunk))
        {
            response.Write(chunk);
        }
    }

    /// <summary>The file name as printable ASCII without quotes or backslashes, for a quoted header parameter.</summary>
    private static string HeaderSafeFileName(string name) =>
        string.Create(name.Length, name, static (span, source) =>
        {
            for (int i = 0; i < source.Length; i++)
            {
                char c = source[i];
                span[i] = c is >= ' ' and <= '~' and not '"' and not '\\' ? c : '_';
            }
        });
}
