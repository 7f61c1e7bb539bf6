using System;
using System.Text;
using FastCgi.Aot.Http;

namespace FastCgi.Aot.Tests.Http;

/// <summary>The HTTP-level readers and the Set-Cookie writer promise not to allocate once warm; this pins it outside the benchmarks.</summary>
public class HttpAllocationTests
{
    [Fact]
    public void ReadingAMultipartFormInChunksAllocatesNothingAfterWarmUp()
    {
        byte[] body = BuildForm();
        var reader = new MultipartReader(maxParts: 16, maxHeaderBytes: 1024);
        long checksum = ReadForm(reader, body);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++)
        {
            checksum += ReadForm(reader, body);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(21 * ReadForm(reader, body), checksum);
    }

    [Fact]
    public void EnumeratingFormValuesAndCookiesAllocatesNothing()
    {
        byte[] form = "tag=a&x=1&tag=b&t%61g=c&y=2"u8.ToArray();
        byte[] cookies = "theme=dark; sid=\"31d4d96e407aad42\"; lang=en-US"u8.ToArray();
        byte[] contentType = "multipart/form-data; charset=utf-8; boundary=\"AaB03x\""u8.ToArray();
        int checksum = Read(form, cookies, contentType);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            checksum += Read(form, cookies, contentType);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(101 * Read(form, cookies, contentType), checksum);
    }

    [Fact]
    public void SettingCookiesOnAResponseAllocatesNothingAfterWarmUp()
    {
        var response = new FcgiResponse();
        var options = new FcgiCookieOptions
        {
            Path = "/",
            MaxAge = TimeSpan.FromDays(7),
            Expires = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero),
            HttpOnly = true,
            Secure = true,
            SameSite = FcgiSameSite.Lax,
        };
        string longValue = new('v', 400);
        int checksum = SetCookies(response, options, longValue);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            checksum += SetCookies(response, options, longValue);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(101 * SetCookies(response, options, longValue), checksum);
    }

    private static int SetCookies(FcgiResponse response, FcgiCookieOptions options, string longValue)
    {
        response.Clear();
        response.WithCookie("sid", "31d4d96e407aad42", options).WithCookie("big", longValue, options).DeleteCookie("old", options);
        return response.MaxHeaderBlockLength;
    }

    private static int Read(byte[] form, byte[] cookies, byte[] contentType)
    {
        int checksum = FcgiBinding.CountFormFields(form);
        foreach (ReadOnlySpan<byte> value in FcgiBinding.EnumerateFormValues(form, "tag"u8))
        {
            checksum += value.Length;
        }

        checksum += FcgiBinding.TryGetCookieValue(cookies, "sid"u8, out ReadOnlySpan<byte> sid) ? sid.Length : -1000;
        Span<byte> boundary = stackalloc byte[MediaTypeHeader.MaxBoundaryLength];
        checksum += MediaTypeHeader.TryGetBoundary(contentType, boundary, out int length) ? length : -1000;
        return checksum + (FcgiBinding.IsMediaType(contentType, "multipart/form-data"u8) ? 1 : -1000);
    }

    private static long ReadForm(MultipartReader reader, byte[] body)
    {
        long checksum = 0;
        if (reader.Reset("multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW"u8) != MultipartError.None)
        {
            return -1;
        }

        for (int offset = 0; offset < body.Length; offset += 16 * 1024)
        {
            ReadOnlySpan<byte> chunk = body.AsSpan(offset, Math.Min(16 * 1024, body.Length - offset));
            MultipartEvent e;
            while ((e = reader.Read(chunk, out int consumed, out ReadOnlySpan<byte> data)) != MultipartEvent.NeedMoreData)
            {
                chunk = chunk[consumed..];
                checksum += e == MultipartEvent.PartStarted ? reader.Name.Length : data.Length;
                if (e == MultipartEvent.Error)
                {
                    return -1;
                }
            }
        }

        return reader.Complete() == MultipartError.None ? checksum : -1;
    }

    private static byte[] BuildForm()
    {
        var body = new StringBuilder();
        for (int i = 0; i < 10; i++)
        {
            body.Append($"------WebKitFormBoundary7MA4YWxkTrZu0gW\r\nContent-Disposition: form-data; name=\"field{i}\"\r\n\r\nvalue {i}\r\n");
        }

        body.Append("------WebKitFormBoundary7MA4YWxkTrZu0gW\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n");
        byte[] head = Encoding.ASCII.GetBytes(body.ToString());
        byte[] file = new byte[256 * 1024];
        new Random(7).NextBytes(file);
        byte[] tail = "\r\n------WebKitFormBoundary7MA4YWxkTrZu0gW--\r\n"u8.ToArray();
        return [.. head, .. file, .. tail];
    }
}
