using System;
using System.IO;
using System.Text;

namespace FastCgi.Aot.Tests.Bodies;

/// <summary>Writes multipart/form-data bodies as browsers do (RFC 7578).</summary>
internal sealed class MultipartBuilder
{
    private readonly MemoryStream _body = new();

    public string Boundary { get; } = "----fcgitest" + Guid.NewGuid().ToString("N");

    public string ContentType => "multipart/form-data; boundary=" + Boundary;

    public MultipartBuilder Field(string name, string value)
    {
        Text($"--{Boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n");
        return this;
    }

    public MultipartBuilder File(string name, string fileName, string? contentType, byte[] content)
    {
        Text($"--{Boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{fileName}\"\r\n");
        if (contentType is not null)
        {
            Text($"Content-Type: {contentType}\r\n");
        }

        Text("\r\n");
        _body.Write(content);
        Text("\r\n");
        return this;
    }

    public byte[] Build()
    {
        Text($"--{Boundary}--\r\n");
        return _body.ToArray();
    }

    /// <summary>The checksum the test application reports for a file's content.</summary>
    public static uint Sum(byte[] content)
    {
        uint sum = 0;
        foreach (byte b in content)
        {
            sum = unchecked((sum * 31) + b);
        }

        return sum;
    }

    private void Text(string text) => _body.Write(Encoding.UTF8.GetBytes(text));
}
