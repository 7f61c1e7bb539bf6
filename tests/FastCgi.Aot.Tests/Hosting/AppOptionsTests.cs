using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace FastCgi.Aot.Tests.Hosting;

/// <summary>The application's own options, parsed beside the server's flags.</summary>
public sealed class AppOptionsTests
{
    private enum LogFormat
    {
        Text,
        Json,
    }

    /// <summary>The options a small notes service would declare; a fresh set per test.</summary>
    private sealed class NotesOptions
    {
        public NotesOptions(Func<string, string?>? validateDb = null)
        {
            Db = Options.AddPath("--db", "the SQLite database file", environmentVariable: "NOTES_DB", required: true, validate: validateDb);
            Title = Options.AddString("--title", "the page's title", defaultValue: "Notes", environmentVariable: "NOTES_TITLE");
            PageSize = Options.AddInt32("--page-size", "notes per page", defaultValue: 20, min: 1, max: 500, environmentVariable: "NOTES_PAGE_SIZE");
            SessionLifetime = Options.AddSeconds("--session-lifetime", "how long a login lasts", defaultValue: TimeSpan.FromHours(12));
            ReadOnly = Options.AddFlag("--read-only", "refuse every change", environmentVariable: "NOTES_READ_ONLY");
            Motd = Options.AddString("--motd", "a line shown above the notes");
        }

        public FcgiAppOptions Options { get; } = new();

        public FcgiAppOption<string> Db { get; }

        public FcgiAppOption<string> Title { get; }

        public FcgiAppOption<int> PageSize { get; }

        public FcgiAppOption<TimeSpan> SessionLifetime { get; }

        public FcgiAppOption<bool> ReadOnly { get; }

        public FcgiAppOption<string> Motd { get; }
    }

    private static (FcgiCommandLine CommandLine, string Output, string Error) Parse(FcgiAppOptions? app, string[] args, Dictionary<string, string>? environment = null)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        FcgiCommandLine commandLine = FcgiCommandLine.Parse(args, app, name => environment?.GetValueOrDefault(name), output, error);
        return (commandLine, output.ToString(), error.ToString());
    }

    private static FcgiCommandLine Parses(FcgiAppOptions app, string[] args, Dictionary<string, string>? environment = null)
    {
        (FcgiCommandLine commandLine, string output, string error) = Parse(app, args, environment);
        Assert.False(commandLine.ShouldExit, error);
        Assert.Equal("", output);
        Assert.Equal("", error);
        return commandLine;
    }

    /// <summary>Asserts the parse failed as the server's own flags fail, and returns the message line.</summary>
    private static string Fails(FcgiAppOptions app, string[] args, Dictionary<string, string>? environment = null)
    {
        (FcgiCommandLine commandLine, string output, string error) = Parse(app, args, environment);
        Assert.True(commandLine.ShouldExit);
        Assert.Equal(2, commandLine.ExitCode);
        Assert.Equal("", output);
        string[] lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("fastcgi: ", lines[0], StringComparison.Ordinal);
        Assert.Equal("Try --help.", lines[1]);
        return lines[0];
    }

    [Fact]
    public void EveryTypeIsParsedFromItsFlag()
    {
        var notes = new NotesOptions();

        Parses(notes.Options, ["--db", "/var/lib/notes.db", "--title=My notes", "--page-size", "50", "--session-lifetime=1.5", "--read-only", "--motd", ""]);

        Assert.Equal("/var/lib/notes.db", notes.Db.Value);
        Assert.Equal("My notes", notes.Title.Value);
        Assert.Equal(50, notes.PageSize.Value);
        Assert.Equal(TimeSpan.FromSeconds(1.5), notes.SessionLifetime.Value);
        Assert.True(notes.ReadOnly.Value);
        Assert.Equal("", notes.Motd.Value);
        Assert.All(notes.Options.Declared, option => Assert.True(option.IsSpecified, option.Name));
    }

    [Fact]
    public void DefaultsApplyWhenNeitherFlagNorEnvironmentGivesAValue()
    {
        var notes = new NotesOptions();

        Parses(notes.Options, ["--db", "n.db"]);

        Assert.Equal("Notes", notes.Title.Value);
        Assert.Equal(20, notes.PageSize.Value);
        Assert.Equal(TimeSpan.FromHours(12), notes.SessionLifetime.Value);
        Assert.False(notes.ReadOnly.Value);
        Assert.False(notes.Title.IsSpecified);
        Assert.True(notes.Title.HasValue);
    }

    [Fact]
    public void AnOptionWithoutDefaultThatIsNotGivenHasNoValue()
    {
        var notes = new NotesOptions();

        Parses(notes.Options, ["--db", "n.db"]);

        Assert.False(notes.Motd.HasValue);
        InvalidOperationException exception = Assert.Throws<InvalidOperationException>(() => notes.Motd.Value);
        Assert.Contains("'--motd' has no value", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheEnvironmentSuppliesValuesWhenTheFlagIsAbsent()
    {
        var notes = new NotesOptions();

        Parses(notes.Options, [], new() { ["NOTES_DB"] = "/srv/env.db", ["NOTES_PAGE_SIZE"] = "7", ["NOTES_READ_ONLY"] = "yes", ["NOTES_TITLE"] = "From env" });

        Assert.Equal("/srv/env.db", notes.Db.Value);
        Assert.Equal(7, notes.PageSize.Value);
        Assert.True(notes.ReadOnly.Value);
        Assert.Equal("From env", notes.Title.Value);
        Assert.True(notes.Db.IsSpecified);
    }

    [Fact]
    public void TheFlagWinsOverTheEnvironment()
    {
        var notes = new NotesOptions();

        Parses(notes.Options, ["--db=/flag.db", "--page-size", "3", "--read-only=false"], new() { ["NOTES_DB"] = "/env.db", ["NOTES_PAGE_SIZE"] = "not even a number", ["NOTES_READ_ONLY"] = "1" });

        Assert.Equal("/flag.db", notes.Db.Value);
        Assert.Equal(3, notes.PageSize.Value);
        Assert.False(notes.ReadOnly.Value);
    }

    [Fact]
    public void AnEmptyEnvironmentVariableCountsAsUnset()
    {
        var notes = new NotesOptions();

        Parses(notes.Options, ["--db", "n.db"], new() { ["NOTES_PAGE_SIZE"] = "", ["NOTES_READ_ONLY"] = "" });

        Assert.Equal(20, notes.PageSize.Value);
        Assert.False(notes.PageSize.IsSpecified);
        Assert.False(notes.ReadOnly.Value);
    }

    [Fact]
    public void TheLastFlagGivenWins()
    {
        var notes = new NotesOptions();

        Parses(notes.Options, ["--db", "first.db", "--db=second.db"]);

        Assert.Equal("second.db", notes.Db.Value);
    }

    [Fact]
    public void ServerAndApplicationFlagsMixInAnyOrder()
    {
        var notes = new NotesOptions();

        FcgiCommandLine commandLine = Parses(notes.Options, ["--page-size", "9", "--socket", "/run/notes.sock", "--db", "n.db", "--max-connections=3"], new() { ["FCGI_WEB_SERVER_ADDRS"] = "127.0.0.1" });

        Assert.Equal("/run/notes.sock", commandLine.ServerOptions.UnixSocketPath);
        Assert.Equal(3, commandLine.ServerOptions.MaxConnections);
        Assert.Single(commandLine.ServerOptions.AllowedPeerAddresses);
        Assert.Equal(9, notes.PageSize.Value);
        Assert.Equal("n.db", notes.Db.Value);
    }

    [Theory]
    [InlineData("option '--page-size' needs a whole number from 1 to 500, not 'ten'", "--db", "n.db", "--page-size", "ten")]
    [InlineData("option '--page-size' needs a whole number from 1 to 500, not '501'", "--db", "n.db", "--page-size=501")]
    [InlineData("option '--page-size' needs a whole number from 1 to 500, not '0'", "--db", "n.db", "--page-size", "0")]
    [InlineData("option '--session-lifetime' needs a number of seconds above 0, not '0'", "--db", "n.db", "--session-lifetime", "0")]
    [InlineData("option '--session-lifetime' needs a number of seconds above 0, not '-5'", "--db", "n.db", "--session-lifetime=-5")]
    [InlineData("option '--read-only' needs 1, true, yes, on, 0, false, no or off, not 'maybe'", "--db", "n.db", "--read-only=maybe")]
    [InlineData("option '--db' needs a path, not ''", "--db=")]
    [InlineData("option '--db' needs a value", "--db")]
    [InlineData("option '--db' is required (or set NOTES_DB)")]
    [InlineData("option '--db' is required (or set NOTES_DB)", "--page-size", "4")]
    public void ABadValueFailsWithExitCode2AndAMessageNamingTheOption(string message, params string[] args)
    {
        Assert.Equal("fastcgi: " + message, Fails(new NotesOptions().Options, args));
    }

    [Theory]
    [InlineData("NOTES_PAGE_SIZE", "ten", "environment variable NOTES_PAGE_SIZE (for --page-size) needs a whole number from 1 to 500, not 'ten'")]
    [InlineData("NOTES_READ_ONLY", "sometimes", "environment variable NOTES_READ_ONLY (for --read-only) needs 1, true, yes, on, 0, false, no or off, not 'sometimes'")]
    public void ABadEnvironmentValueFailsNamingTheVariableAndTheOption(string variable, string value, string message)
    {
        Assert.Equal("fastcgi: " + message, Fails(new NotesOptions().Options, ["--db", "n.db"], new() { [variable] = value }));
    }

    [Fact]
    public void TheValidationHookRefusesAValueWithItsOwnReason()
    {
        var notes = new NotesOptions(validateDb: path => path.EndsWith(".db", StringComparison.Ordinal) ? null : "the file name must end in .db");

        Assert.Equal("fastcgi: option '--db': the file name must end in .db", Fails(notes.Options, ["--db", "/etc/passwd"]));
        Assert.Equal("fastcgi: environment variable NOTES_DB (for --db): the file name must end in .db", Fails(notes.Options, [], new() { ["NOTES_DB"] = "/etc/passwd" }));
        Parses(notes.Options, ["--db", "/srv/ok.db"]);
        Assert.Equal("/srv/ok.db", notes.Db.Value);
    }

    [Fact]
    public void TheValidationHookChecksTheDefaultToo()
    {
        var options = new FcgiAppOptions();
        options.AddPath("--spool", "where uploads wait", defaultValue: "/nonexistent/spool", validate: path => Directory.Exists(path) ? null : "no such directory");

        Assert.Equal("fastcgi: the default of option '--spool': no such directory", Fails(options, []));
    }

    [Fact]
    public void ValuesCannotBeReadBeforeAParseOrAfterAFailedOne()
    {
        var notes = new NotesOptions();

        InvalidOperationException before = Assert.Throws<InvalidOperationException>(() => notes.PageSize.Value);
        Assert.Contains("FcgiServer.Parse", before.Message, StringComparison.Ordinal);

        Parses(notes.Options, ["--db", "n.db"]);
        Assert.Equal(20, notes.PageSize.Value);

        Fails(notes.Options, ["--db", "n.db", "--page-size", "x"]);
        Assert.Throws<InvalidOperationException>(() => notes.PageSize.Value);
        Assert.Throws<InvalidOperationException>(() => notes.Db.HasValue);
    }

    [Fact]
    public void EachParseStartsFromTheDefaults()
    {
        var notes = new NotesOptions();
        Parses(notes.Options, ["--db", "n.db", "--page-size", "5", "--read-only"]);

        Parses(notes.Options, ["--db", "m.db"]);

        Assert.Equal("m.db", notes.Db.Value);
        Assert.Equal(20, notes.PageSize.Value);
        Assert.False(notes.PageSize.IsSpecified);
        Assert.False(notes.ReadOnly.Value);
    }

    [Fact]
    public void ACustomTypeUsesItsOwnParserForValuesAndTheDefault()
    {
        var options = new FcgiAppOptions();
        FcgiAppOption<LogFormat> format = options.Add<LogFormat>("--log-format", "how log lines are written", "text|json", TryParseLogFormat, defaultValue: "text");

        Parses(options, []);
        Assert.Equal(LogFormat.Text, format.Value);

        Parses(options, ["--log-format", "json"]);
        Assert.Equal(LogFormat.Json, format.Value);

        Assert.Equal("fastcgi: option '--log-format' needs text|json, not 'xml'", Fails(options, ["--log-format=xml"]));
        Assert.Throws<ArgumentException>(() => new FcgiAppOptions().Add<LogFormat>("--log-format", "how", "text|json", TryParseLogFormat, defaultValue: "yaml"));
    }

    [Fact]
    public void AnUnknownOptionStillFailsBesideTheApplicationsOwn()
    {
        var notes = new NotesOptions();

        Assert.Equal("fastcgi: unknown option '--bogus'", Fails(notes.Options, ["--db", "n.db", "--bogus"]));
        Assert.Equal("fastcgi: unknown option '--bogus'", Fails(notes.Options, ["--db", "n.db", "--bogus=1"]));
        Assert.Equal("fastcgi: unexpected argument 'stray'", Fails(notes.Options, ["--read-only", "stray"]));
    }

    [Fact]
    public void WithoutApplicationOptionsAnApplicationsFlagIsUnknownAsBefore()
    {
        (FcgiCommandLine commandLine, _, string error) = Parse(null, ["--db", "notes.db"]);

        Assert.Equal(2, commandLine.ExitCode);
        Assert.Equal("fastcgi: unknown option '--db'\nTry --help.\n", error.Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    [Fact]
    public void HelpListsTheServersUsageThenTheApplicationsOptionsWithDefaultsAndEnvironment()
    {
        (FcgiCommandLine commandLine, string output, string error) = Parse(new NotesOptions().Options, ["--db", "n.db", "--help"]);

        Assert.True(commandLine.ShouldExit);
        Assert.Equal(0, commandLine.ExitCode);
        Assert.Equal("", error);
        Assert.StartsWith(FcgiCommandLine.Usage + "\n\nApplication options:\n", output.Replace("\r\n", "\n", StringComparison.Ordinal), StringComparison.Ordinal);
        string[] lines = output.Split('\n');
        Assert.Contains("  --db PATH                      the SQLite database file (required; env NOTES_DB)", lines);
        Assert.Contains("  --title VALUE                  the page's title (default Notes; env NOTES_TITLE)", lines);
        Assert.Contains("  --page-size N                  notes per page (default 20; env NOTES_PAGE_SIZE)", lines);
        Assert.Contains("  --session-lifetime SECONDS     how long a login lasts (default 43200)", lines);
        Assert.Contains("  --read-only                    refuse every change (env NOTES_READ_ONLY)", lines);
        Assert.Contains("  --motd VALUE                   a line shown above the notes", lines);
    }

    [Fact]
    public void HelpIsTheServersUsageAloneWhenTheApplicationDeclaresNothing()
    {
        Assert.Equal(FcgiCommandLine.Usage + "\n", Parse(null, ["-h"]).Output.Replace("\r\n", "\n", StringComparison.Ordinal));
        Assert.Equal(FcgiCommandLine.Usage + "\n", Parse(new FcgiAppOptions(), ["--help"]).Output.Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    [Fact]
    public void HelpWrapsLongTextUnderItsColumnAndShowsEmptyOrSpacedDefaultsQuoted()
    {
        var options = new FcgiAppOptions();
        options.AddString("--a-rather-long-option-name-here", string.Join(' ', Enumerable.Repeat("word", 40)), defaultValue: "two words", placeholder: "TEXT");
        options.AddString("--empty", "empty by default", defaultValue: "");

        string help = FcgiCommandLine.HelpText(options);
        string[] lines = help.Substring(help.IndexOf("Application options:", StringComparison.Ordinal)).Split('\n');

        Assert.StartsWith("  --a-rather-long-option-name-here TEXT  word word", lines[1], StringComparison.Ordinal);
        Assert.All(lines, line => Assert.True(line.Length <= 100, line));
        Assert.StartsWith(new string(' ', 33) + "word", lines[2], StringComparison.Ordinal);
        Assert.Contains(lines, line => line.EndsWith("word (default 'two words')", StringComparison.Ordinal));
        Assert.Contains("  --empty VALUE                  empty by default (default '')", lines);
    }

    [Fact]
    public void FailPrintsTheApplicationsReasonAsAUsageErrorAndReturns2()
    {
        var notes = new NotesOptions();
        var error = new StringWriter();
        FcgiCommandLine commandLine = FcgiCommandLine.Parse(["--db", "/nowhere/n.db"], notes.Options, _ => null, new StringWriter(), error);

        int exitCode = commandLine.Fail($"--db {notes.Db.Value}: unable to open database file");

        Assert.Equal(2, exitCode);
        Assert.Equal("fastcgi: --db /nowhere/n.db: unable to open database file\nTry --help.\n", error.ToString().Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    public static TheoryData<string> ServerFlags() => new(FcgiCommandLine.ServerFlagNames.Concat(["--help", "-h"]));

    [Theory]
    [MemberData(nameof(ServerFlags))]
    public void AnOptionNamedLikeOneOfTheServersFlagsIsRefusedWhenDeclared(string flag)
    {
        var options = new FcgiAppOptions();

        ArgumentException exception = Assert.Throws<ArgumentException>(() => options.AddString(flag, "collides"));

        Assert.Contains(flag.StartsWith("--", StringComparison.Ordinal) ? "server's own flags" : "not an option name", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("db")]
    [InlineData("-d")]
    [InlineData("--")]
    [InlineData("--DB")]
    [InlineData("--db-")]
    [InlineData("---db")]
    [InlineData("--a--b")]
    [InlineData("--db=x")]
    [InlineData("--db path")]
    [InlineData("--dé")]
    public void AMalformedOptionNameIsRefused(string name)
    {
        Assert.Throws<ArgumentException>(() => new FcgiAppOptions().AddFlag(name, "bad"));
    }

    [Theory]
    [InlineData("FCGI_SOCKET")]
    [InlineData("FCGI_TCP")]
    [InlineData("FCGI_WEB_SERVER_ADDRS")]
    [InlineData("LISTEN_FDS")]
    [InlineData("HTTP_PROXY")]
    [InlineData("QUERY_STRING")]
    [InlineData("GATEWAY_INTERFACE")]
    [InlineData("REMOTE_USER")]
    [InlineData("1ST")]
    [InlineData("NOTES-DB")]
    [InlineData("")]
    public void AnEnvironmentVariableTheServerOrARequestOwnsOrThatIsMalformedIsRefused(string variable)
    {
        Assert.Throws<ArgumentException>(() => new FcgiAppOptions().AddString("--x", "x", environmentVariable: variable));
    }

    [Fact]
    public void ANameOrEnvironmentVariableDeclaredTwiceIsRefused()
    {
        var options = new FcgiAppOptions();
        options.AddString("--db", "one", environmentVariable: "APP_DB");

        Assert.Contains("declared twice", Assert.Throws<ArgumentException>(() => options.AddPath("--db", "two")).Message, StringComparison.Ordinal);
        Assert.Contains("'--db'", Assert.Throws<ArgumentException>(() => options.AddPath("--db2", "two", environmentVariable: "APP_DB")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InconsistentDeclarationsAreRefused()
    {
        var options = new FcgiAppOptions();

        Assert.Throws<ArgumentException>(() => options.AddString("--a", "a", defaultValue: "x", required: true));
        Assert.Throws<ArgumentOutOfRangeException>(() => options.AddInt32("--b", "b", defaultValue: 0, min: 1));
        Assert.Throws<ArgumentException>(() => options.AddInt32("--c", "c", min: 5, max: 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => options.AddSeconds("--d", "d", defaultValue: TimeSpan.Zero));
        Assert.Throws<ArgumentException>(() => options.AddPath("--e", "e", defaultValue: ""));
        Assert.Throws<ArgumentException>(() => options.AddString("--f", "f", placeholder: "TWO WORDS"));
        Assert.Throws<ArgumentException>(() => options.AddString("--g", " "));
        Assert.Empty(options.Declared);
        Assert.False(options.Declared is IList<FcgiAppOption> { IsReadOnly: false }, "only Add… declares an option, with its checks");
    }

    [Fact]
    public void NothingCanBeDeclaredOnceTheOptionsWereParsed()
    {
        var options = new FcgiAppOptions();
        Parses(options, []);

        Assert.Throws<InvalidOperationException>(() => options.AddFlag("--late", "too late"));
    }

    [Fact]
    public void ACgiServersSearchWordsAreNotTakenAsOptions()
    {
        // Apache's mod_cgi turns GET /notes.cgi?--db+%2Ftmp%2Fevil.db into argv --db /tmp/evil.db.
        var notes = new NotesOptions();
        var cgi = new Dictionary<string, string> { ["GATEWAY_INTERFACE"] = "CGI/1.1", ["QUERY_STRING"] = "--db+%2Ftmp%2Fevil.db", ["NOTES_DB"] = "/srv/notes.db" };

        Parses(notes.Options, ["--db", "/tmp/evil.db"], cgi);
        Assert.Equal("/srv/notes.db", notes.Db.Value);

        // The script's own arguments come first and are kept.
        Parses(notes.Options, ["--db", "/srv/own.db", "--db", "/tmp/evil.db"], cgi);
        Assert.Equal("/srv/own.db", notes.Db.Value);

        // Apache escapes shell metacharacters with a backslash; empty words are skipped.
        cgi["QUERY_STRING"] = "--title+a%26b++search";
        Parses(notes.Options, ["--title", "a\\&b", "search"], cgi);
        Assert.Equal("Notes", notes.Title.Value);
    }

    [Fact]
    public void ArgumentsAreParsedAsUsualOutsideCgiOrWhenTheQueryHoldsAnEqualsSign()
    {
        var notes = new NotesOptions();

        Parses(notes.Options, ["--db", "/a.db"], new() { ["QUERY_STRING"] = "--db+%2Fa.db" });
        Assert.Equal("/a.db", notes.Db.Value);

        Parses(notes.Options, ["--db", "/b.db"], new() { ["GATEWAY_INTERFACE"] = "CGI/1.1", ["QUERY_STRING"] = "--db=/b.db" });
        Assert.Equal("/b.db", notes.Db.Value);

        Parses(notes.Options, ["--db", "/c.db"], new() { ["GATEWAY_INTERFACE"] = "CGI/1.1", ["QUERY_STRING"] = "other" });
        Assert.Equal("/c.db", notes.Db.Value);
    }

    private static bool TryParseLogFormat(string text, out LogFormat value)
    {
        (bool ok, value) = text switch
        {
            "text" => (true, LogFormat.Text),
            "json" => (true, LogFormat.Json),
            _ => (false, default),
        };
        return ok;
    }
}
