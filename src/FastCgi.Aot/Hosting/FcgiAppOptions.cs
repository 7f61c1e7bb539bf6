using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using FastCgi.Aot.Hosting;

namespace FastCgi.Aot;

/// <summary>
/// The application's own command-line options and environment variables, declared beside the
/// server's: <see cref="FcgiServer.Parse(string[], FcgiAppOptions?)"/> reads both, <c>--help</c>
/// lists both, and an option that is neither the server's nor declared here still fails.
/// </summary>
/// <remarks>
/// <para>Declare every option before the first parse, each with an <c>Add…</c> method that returns
/// its typed handle:</para>
/// <code>
/// static class Settings
/// {
///     public static readonly FcgiAppOptions Options = new();
///     public static readonly FcgiAppOption&lt;string&gt; Db = Options.AddPath("--db", "the SQLite database file", environmentVariable: "NOTES_DB", required: true);
/// }
/// </code>
/// <para>A value comes from the flag (<c>--db PATH</c> or <c>--db=PATH</c>; the last one given
/// wins), else from the non-empty environment variable, else from the default. Nothing here
/// uses reflection: every option is an object the application built, so parsing is as AOT- and
/// trim-safe as the rest of the server.</para>
/// <para>A name the server already uses (<c>--socket</c>, <c>--help</c>, …), an environment
/// variable the server reads (<c>FCGI_SOCKET</c>, …), a CGI request variable (<c>HTTP_*</c>,
/// <c>QUERY_STRING</c>, …), or a name declared twice is refused when it is declared, with an
/// <see cref="ArgumentException"/>.</para>
/// </remarks>
public sealed class FcgiAppOptions
{
    private readonly List<FcgiAppOption> _declared = [];
    private readonly ReadOnlyCollection<FcgiAppOption> _declaredView;
    private bool _frozen;

    /// <summary>Creates an empty set of options; declare each with an <c>Add…</c> method.</summary>
    public FcgiAppOptions()
    {
        _declaredView = _declared.AsReadOnly();
    }

    /// <summary>The declared options, in declaration order (the order <c>--help</c> lists them in).</summary>
    public IReadOnlyList<FcgiAppOption> Declared => _declaredView;

    /// <summary>True once a parse has succeeded: values may be read.</summary>
    internal bool IsParsed { get; private set; }

    /// <summary>Declares an option whose value is any text, possibly empty.</summary>
    /// <param name="name">The flag, <c>--</c> followed by lower-case letters, digits and dashes: <c>--site-name</c>.</param>
    /// <param name="help">What it does, for <c>--help</c>.</param>
    /// <param name="defaultValue">The value when neither the flag nor the environment variable is given; null for none.</param>
    /// <param name="environmentVariable">The environment variable read when the flag is not given; null for none.</param>
    /// <param name="required">True when the parse fails without a value; then <paramref name="defaultValue"/> must be null.</param>
    /// <param name="placeholder">The value's name in <c>--help</c>.</param>
    /// <param name="validate">Checks the value; returns null when it is good, else the reason, which becomes the exit-2 message.</param>
    /// <returns>The option, whose <see cref="FcgiAppOption{T}.Value"/> holds the text after parsing.</returns>
    /// <exception cref="ArgumentException">A name is malformed, taken by the server, or declared twice.</exception>
    /// <exception cref="InvalidOperationException">The options have already been parsed.</exception>
    public FcgiAppOption<string> AddString(string name, string help, string? defaultValue = null, string? environmentVariable = null, bool required = false, string placeholder = "VALUE", Func<string, string?>? validate = null) =>
        Declare(name, placeholder, help, environmentVariable, required, TryParseString, "a value", defaultValue is not null, defaultValue ?? "", defaultValue is null ? null : Quote(defaultValue), validate);

    /// <summary>
    /// Declares an option whose value is a file-system path: any text but empty or holding a NUL
    /// character. The path is kept as given (a relative one stays relative to the working
    /// directory); whether it exists is for <paramref name="validate"/> to say.
    /// </summary>
    /// <param name="name">The flag, <c>--</c> followed by lower-case letters, digits and dashes: <c>--db</c>.</param>
    /// <param name="help">What it does, for <c>--help</c>.</param>
    /// <param name="defaultValue">The value when neither the flag nor the environment variable is given; null for none.</param>
    /// <param name="environmentVariable">The environment variable read when the flag is not given; null for none.</param>
    /// <param name="required">True when the parse fails without a value; then <paramref name="defaultValue"/> must be null.</param>
    /// <param name="placeholder">The value's name in <c>--help</c>.</param>
    /// <param name="validate">Checks the value; returns null when it is good, else the reason, which becomes the exit-2 message.</param>
    /// <returns>The option, whose <see cref="FcgiAppOption{T}.Value"/> holds the path after parsing.</returns>
    /// <exception cref="ArgumentException">A name is malformed, taken by the server, or declared twice; or the default is not a path.</exception>
    /// <exception cref="InvalidOperationException">The options have already been parsed.</exception>
    public FcgiAppOption<string> AddPath(string name, string help, string? defaultValue = null, string? environmentVariable = null, bool required = false, string placeholder = "PATH", Func<string, string?>? validate = null)
    {
        if (defaultValue is not null && !TryParsePath(defaultValue, out _))
        {
            throw new ArgumentException($"The default of '{name}' is not a path: it is empty or holds a NUL character.", nameof(defaultValue));
        }

        return Declare(name, placeholder, help, environmentVariable, required, TryParsePath, "a path", defaultValue is not null, defaultValue ?? "", defaultValue is null ? null : Quote(defaultValue), validate);
    }

    /// <summary>Declares an option whose value is a whole number between <paramref name="min"/> and <paramref name="max"/>, written in decimal with an optional leading minus sign.</summary>
    /// <param name="name">The flag, <c>--</c> followed by lower-case letters, digits and dashes: <c>--page-size</c>.</param>
    /// <param name="help">What it does, for <c>--help</c>.</param>
    /// <param name="defaultValue">The value when neither the flag nor the environment variable is given; null for none.</param>
    /// <param name="min">The smallest value accepted.</param>
    /// <param name="max">The largest value accepted.</param>
    /// <param name="environmentVariable">The environment variable read when the flag is not given; null for none.</param>
    /// <param name="required">True when the parse fails without a value; then <paramref name="defaultValue"/> must be null.</param>
    /// <param name="placeholder">The value's name in <c>--help</c>.</param>
    /// <param name="validate">Checks the value; returns null when it is good, else the reason, which becomes the exit-2 message.</param>
    /// <returns>The option, whose <see cref="FcgiAppOption{T}.Value"/> holds the number after parsing.</returns>
    /// <exception cref="ArgumentException">A name is malformed, taken by the server, or declared twice; <paramref name="min"/> exceeds <paramref name="max"/>; or the default is out of range.</exception>
    /// <exception cref="InvalidOperationException">The options have already been parsed.</exception>
    public FcgiAppOption<int> AddInt32(string name, string help, int? defaultValue = null, int min = int.MinValue, int max = int.MaxValue, string? environmentVariable = null, bool required = false, string placeholder = "N", Func<int, string?>? validate = null)
    {
        if (min > max)
        {
            throw new ArgumentException($"The range of '{name}' is empty: min {min} exceeds max {max}.", nameof(min));
        }

        if (defaultValue is { } value && (value < min || value > max))
        {
            throw new ArgumentOutOfRangeException(nameof(defaultValue), value, $"The default of '{name}' is outside {min} to {max}.");
        }

        string expected = min == int.MinValue && max == int.MaxValue
            ? "a whole number"
            : string.Create(CultureInfo.InvariantCulture, $"a whole number from {min} to {max}");
        return Declare(
            name,
            placeholder,
            help,
            environmentVariable,
            required,
            (string text, out int result) =>
                int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out result) && result >= min && result <= max,
            expected,
            defaultValue.HasValue,
            defaultValue.GetValueOrDefault(),
            defaultValue?.ToString(CultureInfo.InvariantCulture),
            validate);
    }

    /// <summary>
    /// Declares an option whose value is a duration written as a number of seconds, with an
    /// optional fraction (<c>90</c>, <c>0.5</c>), as the server's own timeouts are.
    /// </summary>
    /// <param name="name">The flag, <c>--</c> followed by lower-case letters, digits and dashes: <c>--session-lifetime</c>.</param>
    /// <param name="help">What it does, for <c>--help</c>.</param>
    /// <param name="defaultValue">The value when neither the flag nor the environment variable is given; null for none.</param>
    /// <param name="allowZero">True to accept 0; otherwise the value must be above 0.</param>
    /// <param name="environmentVariable">The environment variable read when the flag is not given; null for none.</param>
    /// <param name="required">True when the parse fails without a value; then <paramref name="defaultValue"/> must be null.</param>
    /// <param name="placeholder">The value's name in <c>--help</c>.</param>
    /// <param name="validate">Checks the value; returns null when it is good, else the reason, which becomes the exit-2 message.</param>
    /// <returns>The option, whose <see cref="FcgiAppOption{T}.Value"/> holds the duration after parsing.</returns>
    /// <exception cref="ArgumentException">A name is malformed, taken by the server, or declared twice; or the default is out of range.</exception>
    /// <exception cref="InvalidOperationException">The options have already been parsed.</exception>
    public FcgiAppOption<TimeSpan> AddSeconds(string name, string help, TimeSpan? defaultValue = null, bool allowZero = false, string? environmentVariable = null, bool required = false, string placeholder = "SECONDS", Func<TimeSpan, string?>? validate = null)
    {
        if (defaultValue is { } value && (value < TimeSpan.Zero || (value == TimeSpan.Zero && !allowZero)))
        {
            throw new ArgumentOutOfRangeException(nameof(defaultValue), value, $"The default of '{name}' must be {(allowZero ? "0 or more" : "above 0")}.");
        }

        return Declare(
            name,
            placeholder,
            help,
            environmentVariable,
            required,
            (string text, out TimeSpan result) => FcgiCommandLine.TryParseSeconds(text, allowZero, out result),
            allowZero ? "a number of seconds" : "a number of seconds above 0",
            defaultValue.HasValue,
            defaultValue.GetValueOrDefault(),
            defaultValue?.TotalSeconds.ToString(CultureInfo.InvariantCulture),
            validate);
    }

    /// <summary>
    /// Declares a flag that takes no value: off unless given. <c>--read-only</c> turns it on;
    /// <c>--read-only=false</c> turns it off (over the environment). The environment variable
    /// turns it on with <c>1</c>, <c>true</c>, <c>yes</c> or <c>on</c> and off with <c>0</c>,
    /// <c>false</c>, <c>no</c> or <c>off</c>; anything else fails the parse.
    /// </summary>
    /// <param name="name">The flag, <c>--</c> followed by lower-case letters, digits and dashes: <c>--read-only</c>.</param>
    /// <param name="help">What it does, for <c>--help</c>.</param>
    /// <param name="environmentVariable">The environment variable read when the flag is not given; null for none.</param>
    /// <returns>The option, whose <see cref="FcgiAppOption{T}.Value"/> is true when the flag is on.</returns>
    /// <exception cref="ArgumentException">A name is malformed, taken by the server, or declared twice.</exception>
    /// <exception cref="InvalidOperationException">The options have already been parsed.</exception>
    public FcgiAppOption<bool> AddFlag(string name, string help, string? environmentVariable = null) =>
        Declare(name, placeholder: null, help, environmentVariable, required: false, FcgiCommandLine.TryParseSwitch, FcgiCommandLine.SwitchValues, hasDefault: true, defaultValue: false, defaultText: null, validate: null);

    /// <summary>
    /// Declares an option of any type the application parses itself: an enumeration, an address,
    /// a list. The default is written as text, as it would be on the command line: it is parsed
    /// now, by <paramref name="parse"/>, and shown as written in <c>--help</c>.
    /// </summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="name">The flag, <c>--</c> followed by lower-case letters, digits and dashes: <c>--log-format</c>.</param>
    /// <param name="help">What it does, for <c>--help</c>.</param>
    /// <param name="placeholder">The value's name in <c>--help</c>, also what the error for a bad value says is needed: <c>text|json</c>.</param>
    /// <param name="parse">Turns text into a value, or returns false.</param>
    /// <param name="defaultValue">The default, as text; null for none.</param>
    /// <param name="environmentVariable">The environment variable read when the flag is not given; null for none.</param>
    /// <param name="required">True when the parse fails without a value; then <paramref name="defaultValue"/> must be null.</param>
    /// <param name="validate">Checks the value; returns null when it is good, else the reason, which becomes the exit-2 message.</param>
    /// <returns>The option, whose <see cref="FcgiAppOption{T}.Value"/> holds the parsed value.</returns>
    /// <exception cref="ArgumentException">A name is malformed, taken by the server, or declared twice; or <paramref name="parse"/> refuses the default.</exception>
    /// <exception cref="InvalidOperationException">The options have already been parsed.</exception>
    public FcgiAppOption<T> Add<T>(string name, string help, string placeholder, FcgiAppOptionParser<T> parse, string? defaultValue = null, string? environmentVariable = null, bool required = false, Func<T, string?>? validate = null)
    {
        ArgumentNullException.ThrowIfNull(parse);
        T value = default!;
        if (defaultValue is not null)
        {
            if (!parse(defaultValue, out T? parsed))
            {
                throw new ArgumentException($"The default of '{name}', '{defaultValue}', is refused by its own parser.", nameof(defaultValue));
            }

            value = parsed;
        }

        return Declare(name, placeholder, help, environmentVariable, required, parse, placeholder, defaultValue is not null, value, defaultValue is null ? null : Quote(defaultValue), validate);
    }

    /// <summary>Freezes the declarations and forgets the previous parse's values.</summary>
    internal void BeginParse()
    {
        _frozen = true;
        IsParsed = false;
        foreach (FcgiAppOption option in _declared)
        {
            option.Reset();
        }
    }

    /// <summary>Fills what the command line did not give from the environment and the defaults, then checks.</summary>
    internal void CompleteParse(Func<string, string?> environment)
    {
        foreach (FcgiAppOption option in _declared)
        {
            option.Complete(environment);
        }

        IsParsed = true;
    }

    internal FcgiAppOption? Find(string name)
    {
        foreach (FcgiAppOption option in _declared)
        {
            if (option.Name == name)
            {
                return option;
            }
        }

        return null;
    }

    private static bool TryParseString(string text, out string value)
    {
        value = text;
        return true;
    }

    private static bool TryParsePath(string text, out string value)
    {
        value = text;
        return text.Length > 0 && !text.Contains('\0', StringComparison.Ordinal);
    }

    /// <summary>Shows a default that is empty or holds spaces in quotes, so that help output cannot be misread.</summary>
    private static string Quote(string text) =>
        text.Length == 0 || text.AsSpan().IndexOfAny(' ', '\t') >= 0 ? $"'{text}'" : text;

    private FcgiAppOption<T> Declare<T>(
        string name,
        string? placeholder,
        string help,
        string? environmentVariable,
        bool required,
        FcgiAppOptionParser<T> parse,
        string expected,
        bool hasDefault,
        T defaultValue,
        string? defaultText,
        Func<T, string?>? validate)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(help);
        if (_frozen)
        {
            throw new InvalidOperationException($"Cannot declare '{name}': the application's options have already been parsed. Declare every option before FcgiServer.Parse.");
        }

        if (!IsOptionName(name))
        {
            throw new ArgumentException($"'{name}' is not an option name: write it as on the command line, '--' then lower-case letters, digits and single dashes, such as '--db' or '--page-size'.", nameof(name));
        }

        if (FcgiCommandLine.IsServerFlag(name))
        {
            throw new ArgumentException($"'{name}' is one of the server's own flags (see --help); give the application's option another name.", nameof(name));
        }

        if (Find(name) is not null)
        {
            throw new ArgumentException($"'{name}' is declared twice.", nameof(name));
        }

        if (placeholder is not null && (placeholder.Length == 0 || placeholder.AsSpan().IndexOfAny(' ', '\t', '\n') >= 0))
        {
            throw new ArgumentException($"The placeholder of '{name}' must be one word, such as PATH or N.", nameof(placeholder));
        }

        if (required && hasDefault)
        {
            throw new ArgumentException($"'{name}' is required and has a default; an option with a default always has a value, so drop one of them.", nameof(required));
        }

        if (environmentVariable is not null)
        {
            CheckEnvironmentVariable(name, environmentVariable);
        }

        var option = new FcgiAppOption<T>(this, name, placeholder, help, environmentVariable, required, parse, expected, hasDefault, defaultValue, defaultText, validate);
        _declared.Add(option);
        return option;
    }

    private void CheckEnvironmentVariable(string name, string variable)
    {
        if (!IsEnvironmentVariableName(variable))
        {
            throw new ArgumentException($"The environment variable of '{name}', '{variable}', is not a portable name: a letter or '_', then letters, digits and '_'.", nameof(variable));
        }

        if (FcgiCommandLine.IsServerEnvironmentVariable(variable))
        {
            throw new ArgumentException($"{variable} is read by the server itself; give '{name}' another environment variable.", nameof(variable));
        }

        if (FcgiCommandLine.IsCgiRequestVariable(variable))
        {
            // In CGI mode the web server sets these from the request: HTTP_* from the client's
            // headers (the "httpoxy" class of bugs), the rest per request (RFC 3875 §4.1).
            throw new ArgumentException($"{variable} is set from each request when the application runs as a CGI program (RFC 3875 §4.1; HTTP_* come from the client's headers); give '{name}' another environment variable.", nameof(variable));
        }

        foreach (FcgiAppOption other in _declared)
        {
            if (other.EnvironmentVariable == variable)
            {
                throw new ArgumentException($"{variable} is already the environment variable of '{other.Name}'.", nameof(variable));
            }
        }
    }

    private static bool IsOptionName(string name)
    {
        if (name.Length < 3 || !name.StartsWith("--", StringComparison.Ordinal) || name[2] == '-' || name[^1] == '-')
        {
            return false;
        }

        for (int i = 2; i < name.Length; i++)
        {
            char c = name[i];
            bool ok = char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || (c == '-' && name[i - 1] != '-');
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsEnvironmentVariableName(string name)
    {
        if (name.Length == 0 || !(char.IsAsciiLetter(name[0]) || name[0] == '_'))
        {
            return false;
        }

        foreach (char c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                return false;
            }
        }

        return true;
    }
}
