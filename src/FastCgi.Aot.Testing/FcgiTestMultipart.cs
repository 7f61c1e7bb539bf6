using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using FastCgi.Aot.Testing.Internal;

namespace FastCgi.Aot.Testing;

/// <summary>
/// Builds a <c>multipart/form-data</c> body (RFC 7578) as a browser submits a form with
/// <c>enctype="multipart/form-data"</c>: text fields and files, in order, names may repeat.
/// Send it with <see cref="FcgiTestRequest.WithMultipart"/> or <see cref="FcgiTestContent.Multipart"/>.
/// </summary>
/// <remarks>
/// <para>Each part has a <c>Content-Disposition: form-data</c> header with its <c>name</c> (and a
/// file's <c>filename</c>); a file also has a <c>Content-Type</c>. Lines end with CRLF and the
/// body with the closing delimiter and a CRLF. Names and file names are written as browsers write
/// them (the HTML standard's multipart/form-data encoding): UTF-8, with <c>"</c>, CR and LF
/// escaped as <c>%22</c>, <c>%0D</c> and <c>%0A</c>; no <c>filename*</c>, which RFC 7578 §4.2 forbids.</para>
/// <para>The boundary is random (<c>FcgiTestBoundary</c> and 24 letters and digits) unless one is
/// given, and is checked against every part's bytes: a random one that occurs in a part is
/// replaced, a given one is refused.</para>
/// </remarks>
public sealed class FcgiTestMultipart
{
    private const string BoundaryAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private readonly List<Part> _parts = [];
    private readonly bool _randomBoundary;

    /// <summary>Starts an empty body with a random boundary.</summary>
    public FcgiTestMultipart()
    {
        Boundary = NewBoundary();
        _randomBoundary = true;
    }

    /// <summary>Starts an empty body with the given boundary, for tests that compare the exact bytes.</summary>
    /// <param name="boundary">1 to 70 characters from RFC 2046's <c>bchars</c> (letters, digits and <c>'()+_,-./:=?</c> and space), not ending with a space.</param>
    public FcgiTestMultipart(string boundary)
    {
        ValidateBoundary(boundary);
        Boundary = boundary;
    }

    /// <summary>The boundary that separates the parts.</summary>
    public string Boundary { get; private set; }

    /// <summary>The request's <c>Content-Type</c>: <c>multipart/form-data; boundary=…</c>.</summary>
    public string ContentType => "multipart/form-data; boundary=" + (HttpSyntax.IsToken(Boundary) ? Boundary : "\"" + Boundary + "\"");

    /// <summary>The number of parts added.</summary>
    public int Count => _parts.Count;

    /// <summary>Adds a text field: a part with a name and no file name or type, its value as UTF-8.</summary>
    /// <param name="name">The field's name.</param>
    /// <param name="value">Its value.</param>
    /// <returns>This builder.</returns>
    public FcgiTestMultipart AddField(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        _parts.Add(new Part(name, FileName: null, ContentType: null, Encoding.UTF8.GetBytes(value)));
        return this;
    }

    /// <summary>Adds a file: a part with a name, a file name, a content type and the file's bytes.</summary>
    /// <param name="name">The form field's name (the handler's <c>FcgiFile</c> parameter, or <c>[FcgiForm("name")]</c>).</param>
    /// <param name="fileName">The file name as the browser sends it, without a directory; empty for an empty file input.</param>
    /// <param name="content">The file's bytes. They are copied when the body is built.</param>
    /// <param name="contentType">The file's media type; <c>application/octet-stream</c> unless told otherwise.</param>
    /// <returns>This builder.</returns>
    public FcgiTestMultipart AddFile(string name, string fileName, ReadOnlyMemory<byte> content, string contentType = "application/octet-stream")
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(fileName);
        ArgumentException.ThrowIfNullOrEmpty(contentType);
        if (contentType.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0)
        {
            throw new ArgumentException("A Content-Type cannot contain CR, LF or NUL.", nameof(contentType));
        }

        _parts.Add(new Part(name, fileName, contentType, content));
        return this;
    }

    /// <summary>Adds a text file, its content as UTF-8.</summary>
    /// <param name="name">The form field's name.</param>
    /// <param name="fileName">The file name.</param>
    /// <param name="text">The file's text.</param>
    /// <param name="contentType">The file's media type; <c>text/plain</c> unless told otherwise.</param>
    /// <returns>This builder.</returns>
    public FcgiTestMultipart AddFile(string name, string fileName, string text, string contentType = "text/plain")
    {
        ArgumentNullException.ThrowIfNull(text);
        return AddFile(name, fileName, Encoding.UTF8.GetBytes(text), contentType);
    }

    /// <summary>The body with the current parts. With a random boundary that occurs in a part, <see cref="Boundary"/> changes first.</summary>
    /// <exception cref="InvalidOperationException">A boundary given to the constructor occurs in a part.</exception>
    public byte[] ToBytes()
    {
        while (OccursInParts(Boundary))
        {
            if (!_randomBoundary)
            {
                throw new InvalidOperationException($"The boundary '{Boundary}' occurs in a part's content; choose another (RFC 2046 §5.1.1).");
            }

            Boundary = NewBoundary();
        }

        using var body = new MemoryStream();
        foreach (Part part in _parts)
        {
            WriteAscii(body, "--");
            WriteAscii(body, Boundary);
            WriteAscii(body, "\r\nContent-Disposition: form-data; name=\"");
            body.Write(EscapeName(part.Name));
            body.WriteByte((byte)'"');
            if (part.FileName is not null)
            {
                WriteAscii(body, "; filename=\"");
                body.Write(EscapeName(part.FileName));
                body.WriteByte((byte)'"');
            }

            WriteAscii(body, "\r\n");
            if (part.ContentType is not null)
            {
                WriteAscii(body, "Content-Type: ");
                body.Write(Encoding.UTF8.GetBytes(part.ContentType));
                WriteAscii(body, "\r\n");
            }

            WriteAscii(body, "\r\n");
            body.Write(part.Content.Span);
            WriteAscii(body, "\r\n");
        }

        // RFC 2046 §5.1.1: the close delimiter; an empty multipart body is just this line.
        WriteAscii(body, "--");
        WriteAscii(body, Boundary);
        WriteAscii(body, "--\r\n");
        return body.ToArray();
    }

    private bool OccursInParts(string boundary)
    {
        byte[] delimiter = Encoding.ASCII.GetBytes("--" + boundary);
        foreach (Part part in _parts)
        {
            if (part.Content.Span.IndexOf(delimiter) >= 0 ||
                Encoding.UTF8.GetBytes(part.Name).AsSpan().IndexOf(delimiter) >= 0 ||
                (part.FileName is not null && Encoding.UTF8.GetBytes(part.FileName).AsSpan().IndexOf(delimiter) >= 0))
            {
                return true;
            }
        }

        return false;
    }

    private static byte[] EscapeName(string name) =>
        Encoding.UTF8.GetBytes(name.Replace("\"", "%22", StringComparison.Ordinal)
            .Replace("\r", "%0D", StringComparison.Ordinal)
            .Replace("\n", "%0A", StringComparison.Ordinal));

    private static void WriteAscii(Stream stream, string text) => stream.Write(Encoding.ASCII.GetBytes(text));

    private static string NewBoundary()
    {
        Span<char> suffix = stackalloc char[24];
        for (int i = 0; i < suffix.Length; i++)
        {
            suffix[i] = BoundaryAlphabet[Random.Shared.Next(BoundaryAlphabet.Length)];
        }

        return "FcgiTestBoundary" + new string(suffix);
    }

    private static void ValidateBoundary(string boundary)
    {
        ArgumentException.ThrowIfNullOrEmpty(boundary);
        if (boundary.Length > 70 || boundary[^1] == ' ')
        {
            throw new ArgumentException("A boundary has 1 to 70 characters and does not end with a space (RFC 2046 §5.1.1).", nameof(boundary));
        }

        foreach (char c in boundary)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || "'()+_,-./:=? ".Contains(c, StringComparison.Ordinal)))
            {
                throw new ArgumentException($"The boundary character '{c}' is not one of RFC 2046's bchars.", nameof(boundary));
            }
        }
    }

    private sealed record Part(string Name, string? FileName, string? ContentType, ReadOnlyMemory<byte> Content);
}
