using System.Text;

namespace FastCgi.Aot.Tests.Http;

/// <summary>Multipart bodies from the specifications and from a browser, with what they hold.</summary>
internal static class MultipartVectors
{
    /// <summary>HTML 4.01 §17.13.4's example, the one RFC 7578 inherits (via RFC 2388).</summary>
    public const string Html4ContentType = "multipart/form-data; boundary=AaB03x";

    public static readonly byte[] Html4 = Encoding.ASCII.GetBytes(
        "--AaB03x\r\n" +
        "Content-Disposition: form-data; name=\"submit-name\"\r\n" +
        "\r\n" +
        "Larry\r\n" +
        "--AaB03x\r\n" +
        "Content-Disposition: form-data; name=\"files\"; filename=\"file1.txt\"\r\n" +
        "Content-Type: text/plain\r\n" +
        "\r\n" +
        "... contents of file1.txt ...\r\n" +
        "--AaB03x--\r\n");

    /// <summary>
    /// RFC 2046 §5.1.1's example (boundary with a space, preamble, epilogue, a body that does and one
    /// that does not end with a line break), with the Content-Disposition form-data requires added.
    /// </summary>
    public const string Rfc2046ContentType = "multipart/form-data; boundary=\"simple boundary\"";

    public static readonly byte[] Rfc2046 = Encoding.ASCII.GetBytes(
        "This is the preamble.  It is to be ignored, though it\r\n" +
        "is a handy place for composition agents to include an\r\n" +
        "explanatory note to non-MIME conformant readers.\r\n" +
        "\r\n" +
        "--simple boundary\r\n" +
        "Content-Disposition: form-data; name=\"implicit\"\r\n" +
        "\r\n" +
        "This is implicitly typed plain US-ASCII text.\r\n" +
        "It does NOT end with a linebreak.\r\n" +
        "--simple boundary\r\n" +
        "Content-type: text/plain; charset=us-ascii\r\n" +
        "Content-Disposition: form-data; name=\"explicit\"\r\n" +
        "\r\n" +
        "This is explicitly typed plain US-ASCII text.\r\n" +
        "It DOES end with a linebreak.\r\n" +
        "\r\n" +
        "--simple boundary--\r\n" +
        "\r\n" +
        "This is the epilogue.  It is also to be ignored.\r\n");

    /// <summary>
    /// What Chrome sends for a text field, an empty file input and a file whose content holds
    /// near-delimiters: the boundary after CRLF but followed by other characters, and prefixes of it.
    /// </summary>
    public const string BrowserContentType = "multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW";

    public const string BrowserFileContent =
        "line 1\r\n" +
        "------WebKitFormBoundary7MA4YWxkTrZu0gWX\r\n" +     // after CRLF, but followed by X
        "------WebKitFormBoundary7MA4YWxkTrZu0gW-\r\n" +     // followed by one dash, not two
        "\r\n------WebKitFormBoundary7MA4YWxkTr\r\n" +      // a prefix of the delimiter
        " ------WebKitFormBoundary7MA4YWxkTrZu0gW\r\n" +     // not at the start of a line
        "\r\n--\r\n\r\r\n";

    public static readonly byte[] Browser = Encoding.UTF8.GetBytes(
        "------WebKitFormBoundary7MA4YWxkTrZu0gW\r\n" +
        "Content-Disposition: form-data; name=\"title\"\r\n" +
        "\r\n" +
        "Grüße, \"world\"\r\n" +
        "------WebKitFormBoundary7MA4YWxkTrZu0gW\r\n" +
        "Content-Disposition: form-data; name=\"empty\"; filename=\"\"\r\n" +
        "Content-Type: application/octet-stream\r\n" +
        "\r\n" +
        "\r\n" +
        "------WebKitFormBoundary7MA4YWxkTrZu0gW\r\n" +
        "Content-Disposition: form-data; name=\"upload\"; filename=\"r\u00e9sum\u00e9 %22v2%22.txt\"\r\n" +
        "Content-Type: text/plain\r\n" +
        "\r\n" +
        BrowserFileContent + "\r\n" +
        "------WebKitFormBoundary7MA4YWxkTrZu0gW--\r\n");
}
