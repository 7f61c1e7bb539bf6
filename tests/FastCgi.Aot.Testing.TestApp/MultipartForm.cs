using System;
using System.Collections.Generic;
using System.Text;

namespace FastCgi.Aot.Testing.TestApp;

/// <summary>One part of a multipart/form-data body.</summary>
public sealed record MultipartPart(string Name, string? FileName, string? ContentType, byte[] Content);

/// <summary>
/// A strict multipart/form-data reader written from RFC 2046 §5.1.1 and RFC 7578, independent of
/// both the runtime's reader and the test client's writer: it accepts exactly the form browsers
/// send (CRLF lines, a Content-Disposition with a quoted name, the close delimiter and a CRLF at
/// the end) and throws on anything else, so a test that passes through it proves the client's body.
/// </summary>
public static class MultipartForm
{
    public static List<MultipartPart> Parse(ReadOnlySpan<byte> body, string contentType)
    {
        const string Prefix = "multipart/form-data; boundary=";
        if (!contentType.StartsWith(Prefix, StringComparison.Ordinal))
        {
            throw new FormatException($"Not a multipart/form-data Content-Type: '{contentType}'.");
        }

        string boundary = contentType.Substring(Prefix.Length);
        if (boundary.Length >= 2 && boundary[0] == '"' && boundary[^1] == '"')
        {
            boundary = boundary.Substring(1, boundary.Length - 2);
        }

        byte[] dashBoundary = Encoding.ASCII.GetBytes("--" + boundary);
        byte[] delimiter = Encoding.ASCII.GetBytes("\r\n--" + boundary);
        var parts = new List<MultipartPart>();
        if (!body.StartsWith(dashBoundary))
        {
            throw new FormatException("The body does not start with the boundary.");
        }

        body = body.Slice(dashBoundary.Length);
        while (true)
        {
            if (body.SequenceEqual("--\r\n"u8))
            {
                return parts;
            }

            if (!body.StartsWith("\r\n"u8))
            {
                throw new FormatException("A boundary line does not end with CRLF or '--' CRLF.");
            }

            body = body.Slice(2);
            int headersEnd = body.IndexOf("\r\n\r\n"u8);
            if (headersEnd < 0)
            {
                throw new FormatException("A part's headers do not end with an empty line.");
            }

            string? name = null;
            string? fileName = null;
            string? partType = null;
            foreach (string line in Encoding.UTF8.GetString(body.Slice(0, headersEnd)).Split("\r\n"))
            {
                int colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon <= 0 || line[colon + 1] != ' ')
                {
                    throw new FormatException($"Malformed part header '{line}'.");
                }

                string value = line.Substring(colon + 2);
                switch (line.Substring(0, colon))
                {
                    case "Content-Disposition":
                        (name, fileName) = ParseDisposition(value);
                        break;
                    case "Content-Type":
                        partType = value;
                        break;
                    default:
                        throw new FormatException($"Unexpected part header '{line}'.");
                }
            }

            if (name is null)
            {
                throw new FormatException("A part has no Content-Disposition.");
            }

            body = body.Slice(headersEnd + 4);
            int end = body.IndexOf(delimiter);
            if (end < 0)
            {
                throw new FormatException("A part is not followed by a delimiter.");
            }

            parts.Add(new MultipartPart(name, fileName, partType, body.Slice(0, end).ToArray()));
            body = body.Slice(end + delimiter.Length);
        }
    }

    private static (string Name, string? FileName) ParseDisposition(string value)
    {
        const string FormData = "form-data; name=\"";
        if (!value.StartsWith(FormData, StringComparison.Ordinal))
        {
            throw new FormatException($"Content-Disposition is not form-data with a name first: '{value}'.");
        }

        int nameEnd = value.IndexOf('"', FormData.Length);
        string name = value.Substring(FormData.Length, nameEnd - FormData.Length);
        string rest = value.Substring(nameEnd + 1);
        if (rest.Length == 0)
        {
            return (name, null);
        }

        const string FileName = "; filename=\"";
        if (!rest.StartsWith(FileName, StringComparison.Ordinal) || !rest.EndsWith('"'))
        {
            throw new FormatException($"Unexpected Content-Disposition parameters: '{rest}'.");
        }

        return (name, rest.Substring(FileName.Length, rest.Length - FileName.Length - 1));
    }
}
