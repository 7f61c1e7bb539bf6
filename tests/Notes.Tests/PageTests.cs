using System.Threading.Tasks;
using FastCgi.Aot.Testing;

namespace Notes.Tests;

public sealed class PageTests
{
    [Fact]
    public async Task PostingTheFormAnswers303ToTheListWhichShowsTheNote()
    {
        await using NotesApp app = NotesApp.Start();

        FcgiTestResponse posted = await app.Client.SendAsync(FcgiTestRequest.Post("/notes").WithForm(("text", "Buy milk")));
        FcgiTestResponse page = await app.Client.GetAsync(posted.Location!);

        Assert.Equal(303, posted.StatusCode);
        Assert.Equal("/", posted.Location);
        Assert.Equal(200, page.StatusCode);
        Assert.Equal("text/html; charset=utf-8", page.ContentType);
        Assert.Contains(">Buy milk</li>", page.Text, System.StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoteTextIsHtmlEscapedOnThePage()
    {
        await using NotesApp app = NotesApp.Start();

        await app.Client.SendAsync(FcgiTestRequest.Post("/notes").WithForm(("text", "<script>alert('x')</script> & \"q\"")));
        FcgiTestResponse page = await app.Client.GetAsync("/");

        Assert.DoesNotContain("<script>", page.Text, System.StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;", page.Text, System.StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnEmptyNoteFromTheFormIsRefusedWith400AndNotStored()
    {
        await using NotesApp app = NotesApp.Start();

        FcgiTestResponse posted = await app.Client.SendAsync(FcgiTestRequest.Post("/notes").WithForm(("text", "   ")));
        FcgiTestResponse list = await app.Client.GetAsync("/api/notes");

        Assert.Equal(400, posted.StatusCode);
        Assert.Equal("[]", list.Text);
    }

    [Fact]
    public async Task EveryRequestWritesOneAccessLogLineWithMethodPathStatusTimeAndBytes()
    {
        await using NotesApp app = NotesApp.Start();
        var log = new System.IO.StringWriter();
        System.IO.TextWriter stderr = System.Console.Error;
        System.Console.SetError(log);
        try
        {
            await app.Client.GetAsync("/api/notes/41");
        }
        finally
        {
            System.Console.SetError(stderr);
        }

        Assert.Matches(@"^GET /api/notes/41 404 \d+\.\dms \d+B\r?\n$", log.ToString());
    }
}
