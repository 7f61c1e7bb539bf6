using System;
using System.ComponentModel;

namespace FastCgi.Aot;

/// <summary>
/// Enumerates every value of one name in a query string or an <c>application/x-www-form-urlencoded</c>
/// body, in order, without allocating: <c>?tag=a&amp;tag=b</c> gives <c>a</c> then <c>b</c>. This is
/// what binds <c>T[]</c> and <c>List&lt;T&gt;</c> parameters.
/// </summary>
/// <remarks>
/// Names are compared after percent-decoding (<c>+</c> as a space), as
/// <see cref="FcgiBinding.TryGetQueryValue"/> compares them; the values are returned still encoded,
/// as views over the input.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public ref struct FcgiFormValueEnumerator
{
    private FcgiFormFieldEnumerator _fields;
    private readonly ReadOnlySpan<byte> _name;
    private ReadOnlySpan<byte> _current;

    internal FcgiFormValueEnumerator(ReadOnlySpan<byte> form, ReadOnlySpan<byte> name)
    {
        _fields = new FcgiFormFieldEnumerator(form);
        _name = name;
        _current = default;
    }

    /// <summary>The current value, encoded; empty for <c>a=</c> and for <c>a</c>.</summary>
    public readonly ReadOnlySpan<byte> Current => _current;

    /// <summary>Moves to the next value of the name.</summary>
    public bool MoveNext()
    {
        while (_fields.MoveNext())
        {
            FcgiFormField field = _fields.Current;
            if (FcgiBinding.FormNameEquals(field.EncodedName, _name))
            {
                _current = field.EncodedValue;
                return true;
            }
        }

        return false;
    }

    /// <summary>Returns this enumerator, so that <c>foreach</c> works on it.</summary>
    public readonly FcgiFormValueEnumerator GetEnumerator() => this;
}
