using System.Collections.Generic;
using System.Threading.Tasks;
using FastCgi.Aot.Testing;

namespace Notes.Tests;

public sealed class ApiTests
{
    [Fact]
    public async Task CreateAnswers201WithTheLocationAndTheNote()
    {
        await using NotesApp app = NotesApp.Start();

        FcgiTestResponse created = await app.Client.SendAsync(FcgiTestRequest.Post("/api/notes").WithJson(new NewNote("Call Bob"), NotesJsonContext.Default.NewNote));

        Assert.Equal(201, created.StatusCode);
        Note note = created.ReadJson(NotesJsonContext.Default.Note)!;
        Assert.Equal("Call Bob", note.Text);
        Assert.Equal("/api/notes/" + note.Id, created.Location);
    }

    [Fact]
    public async Task CreateWithoutTextIs400()
    {
        await using NotesApp app = NotesApp.Start();

        FcgiTestResponse created = await app.Client.SendAsync(FcgiTestRequest.Post("/api/notes").WithText("{}", "application/json"));

        Assert.Equal(400, created.StatusCode);
    }

    [Fact]
    public async Task ListReturnsEveryNoteInTheOrderAdded()
    {
        await using NotesApp app = NotesApp.Start();
        await app.Client.SendAsync(FcgiTestRequest.Post("/api/notes").WithJson(new NewNote("one"), NotesJsonContext.Default.NewNote));
        await app.Client.SendAsync(FcgiTestRequest.Post("/notes").WithForm(("text", "two")));

        FcgiTestResponse list = await app.Client.GetAsync("/api/notes");

        Assert.Equal("application/json; charset=utf-8", list.ContentType);
        List<Note> notes = list.ReadJson(NotesJsonContext.Default.ListNote)!;
        Assert.Equal(["one", "two"], notes.ConvertAll(n => n.Text));
    }

    [Fact]
    public async Task GetReturnsTheNoteCreated()
    {
        await using NotesApp app = NotesApp.Start();
        FcgiTestResponse created = await app.Client.SendAsync(FcgiTestRequest.Post("/api/notes").WithJson(new NewNote("Pay rent"), NotesJsonContext.Default.NewNote));

        FcgiTestResponse fetched = await app.Client.GetAsync(created.Location!);

        Assert.Equal(200, fetched.StatusCode);
        Assert.Equal(created.ReadJson(NotesJsonContext.Default.Note), fetched.ReadJson(NotesJsonContext.Default.Note));
    }

    [Fact]
    public async Task GetOfAMissingNoteIs404()
    {
        await using NotesApp app = NotesApp.Start();

        FcgiTestResponse fetched = await app.Client.GetAsync("/api/notes/12345");

        Assert.Equal(404, fetched.StatusCode);
    }

    [Fact]
    public async Task DeleteWithoutALoginIs401AndKeepsTheNote()
    {
        await using NotesApp app = NotesApp.Start();
        FcgiTestResponse created = await app.Client.SendAsync(FcgiTestRequest.Post("/api/notes").WithJson(new NewNote("keep"), NotesJsonContext.Default.NewNote));

        FcgiTestResponse deleted = await app.Client.DeleteAsync(created.Location!);

        Assert.Equal(401, deleted.StatusCode);
        Assert.Equal(200, (await app.Client.GetAsync(created.Location!)).StatusCode);
    }

    [Fact]
    public async Task DeleteWithALoginAnswers204ThenTheNoteIsGone()
    {
        await using NotesApp app = NotesApp.Start(useCookies: true);
        await app.LogInAsync();
        FcgiTestResponse created = await app.Client.SendAsync(FcgiTestRequest.Post("/api/notes").WithJson(new NewNote("drop"), NotesJsonContext.Default.NewNote));

        FcgiTestResponse deleted = await app.Client.DeleteAsync(created.Location!);
        FcgiTestResponse again = await app.Client.DeleteAsync(created.Location!);

        Assert.Equal(204, deleted.StatusCode);
        Assert.Equal(404, again.StatusCode);
        Assert.Equal(404, (await app.Client.GetAsync(created.Location!)).StatusCode);
    }
}
