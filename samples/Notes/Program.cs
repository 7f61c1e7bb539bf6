using FastCgi.Aot;
using Microsoft.Data.Sqlite;
using Notes;

[assembly: FcgiJsonContext(typeof(NotesJsonContext))]

FcgiCommandLine commandLine = FcgiServer.Parse(args, NotesSettings.Options);
if (commandLine.ShouldExit)
{
    return commandLine.ExitCode;
}

// Before the first request: a database that cannot be opened stops the program here, with a
// usage error, rather than failing every request later.
try
{
    NotesDatabase.Open(NotesSettings.Db.Value);
}
catch (SqliteException exception)
{
    return commandLine.Fail($"--db {NotesSettings.Db.Value}: {exception.Message}");
}

return FcgiServer.Run(commandLine);
