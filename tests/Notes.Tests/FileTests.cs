using System;
using System.Threading.Tasks;
using FastCgi.Aot.Testing;

namespace Notes.Tests;

public sealed class FileTests
{
    [Fact]
    public async Task AnUploadSpanningSeveralChunksDownloadsByteForByteWithItsCrc()
    {
        await using NotesApp app = NotesApp.Start(useCookies: true);
        await app.LogInAsync();
        // Four whole chunks and a short one.
        byte[] content = new byte[(4 * NotesDatabase.ChunkSize) + 12_345];
        new Random(7).NextBytes(content);

        FcgiTestResponse uploaded = await app.Client.SendAsync(FcgiTestRequest.Post("/admin/files")
            .WithMultipart(new FcgiTestMultipart().AddFile("file", "data.bin", content, "application/octet-stream")));
        FcgiTestResponse downloaded = await app.Client.GetAsync(uploaded.Location!);

        Assert.Equal(201, uploaded.StatusCode);
        StoredFile stored = uploaded.ReadJson(NotesJsonContext.Default.StoredFile)!;
        Assert.Equal(content.Length, stored.Length);
        Assert.Equal(Crc32.Compute(content), stored.Crc32);
        Assert.Equal(200, downloaded.StatusCode);
        Assert.Equal("application/octet-stream", downloaded.ContentType);
        Assert.Equal("attachment; filename=\"data.bin\"", downloaded.GetHeader("Content-Disposition"));
        Assert.Equal(stored.Crc32.ToString("x8", System.Globalization.CultureInfo.InvariantCulture), downloaded.GetHeader("X-Content-CRC32"));
        Assert.True(content.AsSpan().SequenceEqual(downloaded.Body.Span), "the download differs from the upload");
    }

    [Fact]
    public async Task AnUploadWithoutALoginIsRedirectedAndNotStored()
    {
        await using NotesApp app = NotesApp.Start();

        FcgiTestResponse uploaded = await app.Client.SendAsync(FcgiTestRequest.Post("/admin/files")
            .WithMultipart(new FcgiTestMultipart().AddFile("file", "x.txt", "hello"u8.ToArray(), "text/plain")));

        Assert.Equal(303, uploaded.StatusCode);
        Assert.Equal(404, (await app.Client.GetAsync("/files/1")).StatusCode);
    }

    [Fact]
    public async Task ADownloadIsAlwaysAnAttachmentOfOctetsWhateverTypeWasUploaded()
    {
        await using NotesApp app = NotesApp.Start(useCookies: true);
        await app.LogInAsync();

        FcgiTestResponse uploaded = await app.Client.SendAsync(FcgiTestRequest.Post("/admin/files")
            .WithMultipart(new FcgiTestMultipart().AddFile("file", "naïve.html", "<script>x()</script>"u8.ToArray(), "text/html")));
        FcgiTestResponse downloaded = await app.Client.GetAsync(uploaded.Location!);

        Assert.Equal("text/html", uploaded.ReadJson(NotesJsonContext.Default.StoredFile)!.ContentType);
        Assert.Equal("application/octet-stream", downloaded.ContentType);
        Assert.Equal("nosniff", downloaded.GetHeader("X-Content-Type-Options"));
        Assert.Equal("attachment; filename=\"na_ve.html\"", downloaded.GetHeader("Content-Disposition"));
    }

    [Fact]
    public async Task ADownloadOfAMissingFileIs404()
    {
        await using NotesApp app = NotesApp.Start();

        Assert.Equal(404, (await app.Client.GetAsync("/files/99")).StatusCode);
    }

    [Theory]
    [InlineData("", 0x00000000u)]
    [InlineData("a", 0xE8B7BE43u)]
    [InlineData("123456789", 0xCBF43926u)]
    [InlineData("The quick brown fox jumps over the lazy dog", 0x414FA339u)]
    public void Crc32MatchesTheStandardCheckValues(string text, uint expected)
    {
        byte[] bytes = System.Text.Encoding.ASCII.GetBytes(text);

        Assert.Equal(expected, Crc32.Compute(bytes));
        Assert.Equal(expected, Crc32.Append(Crc32.Compute(bytes.AsSpan(0, bytes.Length / 2)), bytes.AsSpan(bytes.Length / 2)));
    }
}
