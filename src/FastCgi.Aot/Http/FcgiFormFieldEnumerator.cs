using System;
using System.ComponentModel;

namespace FastCgi.Aot;

/// <summary>
/// Enumerates the fields of a query string or an <c>application/x-www-form-urlencoded</c> body in
/// order, without allocating. Both have one syntax (WHATWG URL §5.1, "application/x-www-form-urlencoded parsing"):
/// <code>
/// form  = [ field ] *( "&amp;" [ field ] )
/// field = name [ "=" value ]          ; split at the first "="; empty fields ("a&amp;&amp;b", a trailing "&amp;") are skipped
/// </code>
/// </summary>
/// <remarks>Names and values stay encoded; the spans view the input.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public ref struct FcgiFormFieldEnumerator
{
    private ReadOnlySpan<byte> _rest;
    private ReadOnlySpan<byte> _name;
    private ReadOnlySpan<byte> _value;

    internal FcgiFormFieldEnumerator(ReadOnlySpan<byte> form)
    {
        _rest = form;
        _name = default;
        _value = default;
    }

    /// <summary>The current field.</summary>
    public readonly FcgiFormField Current => new(_name, _value);

    /// <summary>Moves to the next non-empty field.</summary>
    public bool MoveNext()
    {
        while (!_rest.IsEmpty)
        {
            int amp = _rest.IndexOf((byte)'&');
            ReadOnlySpan<byte> field = amp < 0 ? _rest : _rest.Slice(0, amp);
            _rest = amp < 0 ? default : _rest.Slice(amp + 1);
            if (field.IsEmpty)
            {
                continue;
            }

            int equals = field.IndexOf((byte)'=');
            _name = equals < 0 ? field : field.Slice(0, equals);
            _value = equals < 0 ? default : field.Slice(equals + 1);
            return true;
        }

        return false;
    }

    /// <summary>Returns this enumerator, so that <c>foreach</c> works on it.</summary>
    public readonly FcgiFormFieldEnumerator GetEnumerator() => this;
}
