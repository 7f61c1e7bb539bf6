using System;
using System.Text;
using BenchmarkDotNet.Attributes;
using FastCgi.Aot.Http;

namespace FastCgi.Aot.Benchmarks;

/// <summary>
/// A browser's multipart/form-data body fed to one reused <see cref="MultipartReader"/> in 16 KiB
/// chunks, as STDIN records arrive: a 10-field form, and a form whose one part is a 1 MiB file.
/// Both rows show 0 B (measured with <c>--job short</c>): the reader's buffers are allocated by its
/// constructor and reused by Reset.
/// </summary>
[MemoryDiagnoser]
public class MultipartBenchmarks
{
    private const string ContentType = "multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW";
    private const int ChunkSize = 16 * 1024;

    private readonly MultipartReader _reader = new(maxParts: 100, maxHeaderBytes: 16 * 1024);
    private readonly byte[] _contentType = Encoding.ASCII.GetBytes(ContentType);
    private byte[] _tenFields = [];
    private byte[] _file = [];

    [GlobalSetup]
    public void Setup()
    {
        var fields = new StringBuilder();
        for (int i = 0; i < 10; i++)
        {
            fields.Append($"------WebKitFormBoundary7MA4YWxkTrZu0gW\r\nContent-Disposition: form-data; name=\"field{i}\"\r\n\r\nvalue of field {i}\r\n");
        }

        _tenFields = Encoding.ASCII.GetBytes(fields.Append("------WebKitFormBoundary7MA4YWxkTrZu0gW--\r\n").ToString());

        byte[] head = "------WebKitFormBoundary7MA4YWxkTrZu0gW\r\nContent-Disposition: form-data; name=\"firmware\"; filename=\"fw.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n"u8.ToArray();
        byte[] content = new byte[1024 * 1024];
        new Random(12).NextBytes(content);
        _file = [.. head, .. content, .. "\r\n------WebKitFormBoundary7MA4YWxkTrZu0gW--\r\n"u8];

        // Each row must read its whole body successfully: every part, every content byte.
        if (TenFields() != 10 * "value of field 0".Length + 10 || OneMebibyteFile() != content.Length + 1)
        {
            throw new InvalidOperationException("A body did not read whole.");
        }
    }

    /// <returns>The content bytes read plus one per part.</returns>
    [Benchmark]
    public long TenFields() => Read(_tenFields);

    /// <returns>The content bytes read plus one per part.</returns>
    [Benchmark]
    public long OneMebibyteFile() => Read(_file);

    private long Read(byte[] body)
    {
        MultipartReader reader = _reader;
        if (reader.Reset(_contentType) != MultipartError.None)
        {
            return -1;
        }

        long total = 0;
        for (int offset = 0; offset < body.Length; offset += ChunkSize)
        {
            ReadOnlySpan<byte> chunk = body.AsSpan(offset, Math.Min(ChunkSize, body.Length - offset));
            while (true)
            {
                MultipartEvent e = reader.Read(chunk, out int consumed, out ReadOnlySpan<byte> data);
                chunk = chunk.Slice(consumed);
                if (e == MultipartEvent.NeedMoreData)
                {
                    break;
                }

                if (e == MultipartEvent.Error)
                {
                    return -1;
                }

                total += e == MultipartEvent.PartData ? data.Length : e == MultipartEvent.PartEnded ? 1 : 0;
            }
        }

        return reader.Complete() == MultipartError.None ? total : -1;
    }
}
