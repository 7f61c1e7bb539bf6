using System;
using FastCgi.Aot.Hosting;

namespace FastCgi.Aot;

/// <summary>
/// An application option with a typed value, declared with one of the <c>Add…</c> methods of
/// <see cref="FcgiAppOptions"/> and read through <see cref="Value"/> once
/// <see cref="FcgiServer.Parse(string[], FcgiAppOptions?)"/> has succeeded.
/// </summary>
/// <typeparam name="T">The value's type.</typeparam>
/// <remarks>
/// The value is set once, by the parse, before the server starts; reading it from any thread
/// afterwards is safe. Keep the option in a <c>static readonly</c> field so that handlers, which
/// are static, read it directly.
/// </remarks>
public sealed class FcgiAppOption<T> : FcgiAppOption
{
    private readonly FcgiAppOptionParser<T> _parse;
    private readonly string _expected;
    private readonly Func<T, string?>? _validate;
    private readonly bool _hasDefault;
    private readonly T _defaultValue;
    private T _value = default!;

    internal FcgiAppOption(
        FcgiAppOptions owner,
        string name,
        string? placeholder,
        string help,
        string? environmentVariable,
        bool isRequired,
        FcgiAppOptionParser<T> parse,
        string expected,
        bool hasDefault,
        T defaultValue,
        string? defaultText,
        Func<T, string?>? validate)
        : base(owner, name, placeholder, help, environmentVariable, isRequired, defaultText)
    {
        _parse = parse;
        _expected = expected;
        _hasDefault = hasDefault;
        _defaultValue = defaultValue;
        _validate = validate;
    }

    /// <summary>The value: from the command line, else the environment variable, else the default.</summary>
    /// <exception cref="InvalidOperationException">
    /// The options have not been parsed, or the option has no value (see <see cref="FcgiAppOption.HasValue"/>).
    /// </exception>
    public T Value
    {
        get
        {
            ThrowIfNotParsed();
            if (!Assigned)
            {
                throw new InvalidOperationException(
                    $"The application option '{Name}' has no value: it was not given{(EnvironmentVariable is null ? "" : $" nor set in {EnvironmentVariable}")} and has no default. Check HasValue, or declare a default or required: true.");
            }

            return _value;
        }
    }

    internal override void Reset()
    {
        _value = default!;
        Assigned = false;
        Specified = false;
    }

    internal override void SetFromCommandLine(string? text)
    {
        // A flag written bare means on; "--flag=false" turns off what the environment turned on.
        Assign(text ?? "true", $"option '{Name}'");
        Specified = true;
    }

    internal override void Complete(Func<string, string?> environment)
    {
        string where = $"option '{Name}'";
        if (!Specified && EnvironmentVariable is not null && environment(EnvironmentVariable) is { Length: > 0 } text)
        {
            // An empty variable counts as unset, as the server's own FCGI_SOCKET does.
            where = $"environment variable {EnvironmentVariable} (for {Name})";
            Assign(text, where);
            Specified = true;
        }
        else if (!Specified && _hasDefault)
        {
            where = $"the default of option '{Name}'";
            _value = _defaultValue;
            Assigned = true;
        }

        if (!Assigned)
        {
            if (IsRequired)
            {
                throw FcgiCommandLine.UsageError($"option '{Name}' is required{(EnvironmentVariable is null ? "" : $" (or set {EnvironmentVariable})")}");
            }

            return;
        }

        if (_validate?.Invoke(_value) is { } problem)
        {
            throw FcgiCommandLine.UsageError($"{where}: {problem}");
        }
    }

    private void Assign(string text, string where)
    {
        if (!_parse(text, out T? value))
        {
            throw FcgiCommandLine.UsageError($"{where} needs {_expected}, not '{text}'");
        }

        _value = value;
        Assigned = true;
    }
}
