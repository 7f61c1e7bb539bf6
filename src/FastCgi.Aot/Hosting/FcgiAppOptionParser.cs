using System.Diagnostics.CodeAnalysis;

namespace FastCgi.Aot;

/// <summary>
/// Turns the text of an application option (from the command line, the environment or its
/// declared default) into its value, for <see cref="FcgiAppOptions.Add{T}"/>. Shaped like
/// <c>int.TryParse</c>: a method group such as <c>Enum.TryParse&lt;LogFormat&gt;</c> fits.
/// </summary>
/// <typeparam name="T">The option's type.</typeparam>
/// <param name="text">The text as given, never null.</param>
/// <param name="value">The value, when the text is valid.</param>
/// <returns>False when the text is not a valid value; the parse then fails with exit code 2 and a message naming the option and the text.</returns>
public delegate bool FcgiAppOptionParser<T>(string text, [MaybeNullWhen(false)] out T value);
