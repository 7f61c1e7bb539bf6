using System;
using System.IO;
using System.Threading.Tasks;
using FastCgi.Aot;
using FastCgi.Aot.Testing;
using Notes;
using App = FastCgi.Aot.Generated.FcgiApplication;

// The sample keeps its options and its database in statics, as a handler reaches them: one
// configuration per process, so the tests take turns.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Notes.Tests;

/// <summary>
/// The sample, parsed from a command line as its Program does, on a database file of its own,
/// with an in-memory client. Disposing closes the database and deletes its files.
/// </summary>
internal sealed class NotesApp : IAsyncDisposable
{
    public const string Password = "correct horse";

    private NotesApp(string path, FcgiTestClient client)
    {
        DatabasePath = path;
        Client = client;
    }

    public string DatabasePath { get; }

    public FcgiTestClient Client { get; }

    /// <summary>Starts the sample with <c>--db</c> a new temporary file and the test password, plus <paramref name="arguments"/>.</summary>
    public static NotesApp Start(bool useCookies = false, bool withPassword = true, params string[] arguments)
    {
        string path = Path.Combine(Path.GetTempPath(), "notes-test-" + Guid.NewGuid().ToString("N") + ".db");
        string[] args = withPassword ? ["--db", path, "--admin-password", Password, .. arguments] : ["--db", path, .. arguments];
        FcgiCommandLine commandLine = FcgiServer.Parse(args, NotesSettings.Options);
        Assert.False(commandLine.ShouldExit, "the test's command line does not parse");
        NotesDatabase.Open(path);
        return new NotesApp(path, FcgiTestClient.Create<App>(new FcgiTestClientOptions { UseCookies = useCookies }));
    }

    /// <summary>Logs in with the test password; the client must keep cookies.</summary>
    public async Task<FcgiTestResponse> LogInAsync()
    {
        FcgiTestResponse login = await Client.SendAsync(FcgiTestRequest.Post("/login").WithForm(("password", Password)));
        Assert.Equal(303, login.StatusCode);
        return login;
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        NotesDatabase.Close();
        foreach (string suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(DatabasePath + suffix);
        }
    }
}
