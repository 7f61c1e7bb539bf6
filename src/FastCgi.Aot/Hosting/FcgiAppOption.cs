using System;
using FastCgi.Aot.Hosting;

namespace FastCgi.Aot;

/// <summary>
/// One option an application declared on its <see cref="FcgiAppOptions"/>: a flag, an optional
/// environment variable, a help line and a default. The typed value is on
/// <see cref="FcgiAppOption{T}"/>; this base is what help output and logging need of every option.
/// </summary>
/// <remarks>Made only by the <c>Add…</c> methods of <see cref="FcgiAppOptions"/>.</remarks>
public abstract class FcgiAppOption
{
    private protected FcgiAppOption(FcgiAppOptions owner, string name, string? placeholder, string help, string? environmentVariable, bool isRequired, string? defaultText)
    {
        Owner = owner;
        Name = name;
        Placeholder = placeholder;
        Help = help;
        EnvironmentVariable = environmentVariable;
        IsRequired = isRequired;
        DefaultText = defaultText;
    }

    /// <summary>The flag as written on the command line, with its leading dashes: <c>--db</c>.</summary>
    public string Name { get; }

    /// <summary>The value's name in help output, such as <c>PATH</c> or <c>N</c>; null for a flag that takes no value (<see cref="FcgiAppOptions.AddFlag"/>).</summary>
    public string? Placeholder { get; }

    /// <summary>What the option does, as <c>--help</c> shows it.</summary>
    public string Help { get; }

    /// <summary>The environment variable that supplies the value when the flag is not given; null when there is none.</summary>
    public string? EnvironmentVariable { get; }

    /// <summary>True when parsing fails unless the flag or the environment variable gives a value.</summary>
    public bool IsRequired { get; }

    /// <summary>The default as <c>--help</c> shows it; null when the option has no default.</summary>
    public string? DefaultText { get; }

    /// <summary>True when the last parse took the value from the command line or the environment rather than the default.</summary>
    /// <exception cref="InvalidOperationException">The options have not been parsed.</exception>
    public bool IsSpecified
    {
        get
        {
            ThrowIfNotParsed();
            return Specified;
        }
    }

    /// <summary>
    /// True when the option has a value: it was given, or it has a default. False only for an
    /// option that is neither required nor has a default, and was not given.
    /// </summary>
    /// <exception cref="InvalidOperationException">The options have not been parsed.</exception>
    public bool HasValue
    {
        get
        {
            ThrowIfNotParsed();
            return Assigned;
        }
    }

    internal FcgiAppOptions Owner { get; }

    /// <summary>False for a flag such as <c>--read-only</c>, which does not consume the next argument.</summary>
    internal bool TakesValue => Placeholder is not null;

    private protected bool Specified { get; set; }

    private protected bool Assigned { get; set; }

    /// <summary>Forgets the previous parse's value.</summary>
    internal abstract void Reset();

    /// <summary>Takes the value given on the command line; for a flag, <paramref name="text"/> is null unless written as <c>--flag=false</c>.</summary>
    /// <exception cref="FcgiStartupException">The text is not a valid value (exit code 2).</exception>
    internal abstract void SetFromCommandLine(string? text);

    /// <summary>Once every argument is read: the environment variable if the flag was not given, else the default; then the required check and the validation hook.</summary>
    /// <exception cref="FcgiStartupException">A value is missing or invalid (exit code 2).</exception>
    internal abstract void Complete(Func<string, string?> environment);

    private protected void ThrowIfNotParsed()
    {
        if (!Owner.IsParsed)
        {
            throw new InvalidOperationException(
                $"The application option '{Name}' was read before its options were parsed: call FcgiServer.Parse(args, options) first, and read values only after it succeeds.");
        }
    }
}
