using System;
using System.Collections.Generic;
using System.Text;
using FastCgi.Aot.Generators.Model;

namespace FastCgi.Aot.Generators;

/// <summary>Parses route templates: <c>/users/{id}</c>, <c>/files/{*path}</c>.</summary>
internal static class TemplateParser
{
    /// <summary>Splits <paramref name="template"/> into segments, or says what is wrong with it.</summary>
    public static bool TryParse(string? template, out List<SegmentModel> segments, out string error)
    {
        segments = new List<SegmentModel>();
        error = string.Empty;
        if (template is null || template.Length == 0 || template[0] != '/')
        {
            error = "it must start with '/'";
            return false;
        }

        string[] parts = template.Substring(1).Split('/');
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < parts.Length; i++)
        {
            string part = parts[i];
            bool last = i == parts.Length - 1;
            if (part.IndexOf('{') < 0 && part.IndexOf('}') < 0)
            {
                if (part.Length == 0 && !last)
                {
                    error = "it has an empty segment ('//')";
                    return false;
                }

                int bad = part.IndexOfAny(['?', '#', '*', ' ']);
                if (bad >= 0)
                {
                    error = $"the segment '{part}' contains '{part[bad]}', which a path cannot match";
                    return false;
                }

                segments.Add(new SegmentModel(SegmentKind.Literal, part));
                continue;
            }

            if (part.Length < 3 || part[0] != '{' || part[part.Length - 1] != '}')
            {
                error = $"the segment '{part}' must be a literal or one parameter in braces, such as '{{id}}'";
                return false;
            }

            string name = part.Substring(1, part.Length - 2);
            SegmentKind kind = SegmentKind.Parameter;
            if (name[0] == '*')
            {
                name = name.Substring(1);
                kind = SegmentKind.CatchAll;
                if (!last)
                {
                    error = $"the catch-all segment '{part}' must be the last";
                    return false;
                }
            }

            int colon = name.IndexOf(':');
            if (colon > 0 && IsIdentifier(name.Substring(0, colon)))
            {
                error = $"the segment '{part}' has the constraint '{name.Substring(colon)}', which a route does not need: the parameter's type constrains the value (an int parameter answers 400 to a segment that is not a number), so write '{{{(kind == SegmentKind.CatchAll ? "*" : string.Empty)}{name.Substring(0, colon)}}}'";
                return false;
            }

            int optional = name.IndexOfAny(['?', '=']);
            if (optional > 0 && IsIdentifier(name.Substring(0, optional)))
            {
                error = $"the segment '{part}' is optional or has a default, which a segment cannot be: declare a route with the segment and one without, or bind the value from the query string with a nullable or default parameter";
                return false;
            }

            if (!IsIdentifier(name))
            {
                error = $"the parameter name '{name}' in '{part}' is not a C# identifier";
                return false;
            }

            if (!names.Add(name))
            {
                error = $"the parameter '{name}' appears more than once";
                return false;
            }

            segments.Add(new SegmentModel(kind, name));
        }

        return true;
    }

    /// <summary>
    /// Checks a route group's prefix: a template that starts with '/', does not end with one (the
    /// routes' templates bring their own) and has no catch-all (which would leave its routes no path).
    /// </summary>
    public static bool TryParsePrefix(string? prefix, out string error)
    {
        if (!TryParse(prefix, out List<SegmentModel> segments, out error))
        {
            return false;
        }

        if (prefix!.EndsWith("/", StringComparison.Ordinal))
        {
            error = prefix.Length == 1
                ? "it is '/', the prefix of every path: leave the class out of a group instead"
                : $"it ends with '/', and a route's template starts with one: write '{prefix.TrimEnd('/')}'";
            return false;
        }

        if (segments[segments.Count - 1].Kind == SegmentKind.CatchAll)
        {
            error = "it ends with a catch-all, which would leave its routes no path to match";
            return false;
        }

        return true;
    }

    /// <summary>The template with parameter names dropped: two templates of one shape match the same paths.</summary>
    public static string Shape(IEnumerable<SegmentModel> segments)
    {
        var builder = new StringBuilder();
        foreach (SegmentModel segment in segments)
        {
            builder.Append('/');
            builder.Append(segment.Kind switch
            {
                SegmentKind.Parameter => "{}",
                SegmentKind.CatchAll => "{*}",
                _ => segment.Value,
            });
        }

        return builder.ToString();
    }

    private static bool IsIdentifier(string name)
    {
        if (name.Length == 0 || !(char.IsLetter(name[0]) || name[0] == '_'))
        {
            return false;
        }

        foreach (char c in name)
        {
            if (!(char.IsLetterOrDigit(c) || c == '_'))
            {
                return false;
            }
        }

        return true;
    }
}
