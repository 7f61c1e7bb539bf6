using System;
using System.Text;

namespace FastCgi.Aot.Generators;

/// <summary>Writes C# source line by line with four-space indentation.</summary>
internal sealed class SourceWriter
{
    private readonly StringBuilder _builder = new();
    private int _indentation;

    public void WriteLine(string text)
    {
        if (text.Length != 0)
        {
            _builder.Append(' ', _indentation * 4);
            _builder.Append(text);
        }

        _builder.Append('\n');
    }

    public void WriteLine() => _builder.Append('\n');

    /// <summary>Writes <c>{</c> and indents what follows.</summary>
    public void OpenBlock()
    {
        WriteLine("{");
        _indentation++;
    }

    /// <summary>Dedents and writes <c>}</c> with an optional suffix such as <c>;</c>.</summary>
    public void CloseBlock(string suffix = "")
    {
        if (_indentation == 0)
        {
            throw new InvalidOperationException("No block is open.");
        }

        _indentation--;
        WriteLine("}" + suffix);
    }

    public override string ToString() => _builder.ToString();
}
