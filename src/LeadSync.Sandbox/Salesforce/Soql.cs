using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace LeadSync.Sandbox.Salesforce;

/// <summary>A SOQL error as the REST API reports it (400, array body).</summary>
internal sealed class SoqlException(string errorCode, string message) : Exception(message)
{
    public string ErrorCode { get; } = errorCode;
}

internal enum LiteralKind
{
    String,
    Number,
    Boolean,
    Null,
    DateTime,
    Date,
}

internal sealed record SoqlLiteral(LiteralKind Kind, object? Value);

internal abstract record SoqlCondition;

internal sealed record SoqlCompare(SalesforceField Field, string Operator, SoqlLiteral Value) : SoqlCondition;

internal sealed record SoqlIn(SalesforceField Field, IReadOnlyList<SoqlLiteral> Values, bool Negated) : SoqlCondition;

internal sealed record SoqlLike(SalesforceField Field, Regex Pattern) : SoqlCondition;

internal sealed record SoqlAnd(IReadOnlyList<SoqlCondition> Parts) : SoqlCondition;

internal sealed record SoqlOr(IReadOnlyList<SoqlCondition> Parts) : SoqlCondition;

internal sealed record SoqlNot(SoqlCondition Inner) : SoqlCondition;

internal sealed record SoqlOrder(SalesforceField Field, bool Descending, bool NullsFirst);

internal sealed record SoqlQuery(
    SalesforceObject From,
    IReadOnlyList<SalesforceField> Fields,
    SoqlCondition? Where,
    IReadOnlyList<SoqlOrder> OrderBy,
    int? Limit,
    int Offset);

/// <summary>
/// A small real SOQL parser for the forms LeadSync issues. Like Salesforce, it refuses AND and OR mixed at one
/// level without parentheses, checks every field against the describe, and types literals by field
/// (datetimes unquoted, strings quoted).
/// </summary>
internal static class Soql
{
    private enum TokenKind
    {
        Identifier,
        String,
        Number,
        DateTime,
        Date,
        Symbol,
        End,
    }

    private sealed record Token(TokenKind Kind, string Text, object? Value, int Position);

    private static readonly string[] DateTimeFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ss'Z'", "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", "yyyy-MM-dd'T'HH:mm:sszzz", "yyyy-MM-dd'T'HH:mm:ss.fffzzz",
    ];

    public static SoqlQuery Parse(string text)
    {
        var tokens = Tokenize(text);
        var pos = 0;
        Token Peek() => tokens[pos];
        Token Next() => tokens[pos++];
        bool IsKeyword(string keyword) => Peek().Kind == TokenKind.Identifier && string.Equals(Peek().Text, keyword, StringComparison.OrdinalIgnoreCase);
        void Expect(string keyword)
        {
            if (!IsKeyword(keyword) && !(Peek().Kind == TokenKind.Symbol && Peek().Text == keyword))
                throw Unexpected(Peek());
            pos++;
        }

        Expect("SELECT");
        var names = new List<Token>();
        do
        {
            var t = Next();
            if (t.Kind != TokenKind.Identifier || IsReserved(t.Text))
                throw Unexpected(t);
            if (Peek().Kind == TokenKind.Symbol && Peek().Text == "(")
                throw new SoqlException("MALFORMED_QUERY", $"Aggregate and function calls such as {t.Text}() are not supported by the sandbox.");
            names.Add(t);
        }
        while (TryTake(","));

        Expect("FROM");
        var objectToken = Next();
        if (objectToken.Kind != TokenKind.Identifier)
            throw Unexpected(objectToken);
        var from = SalesforceSchema.Find(objectToken.Text)
            ?? throw new SoqlException("INVALID_TYPE", $"sObject type '{objectToken.Text}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name.");
        var fields = names.Select(n => FieldOf(from, n)).ToList();
        if (fields.Select(f => f.Name).Distinct().Count() != fields.Count)
            throw new SoqlException("MALFORMED_QUERY", "duplicate field selected: " + fields.GroupBy(f => f.Name).First(g => g.Count() > 1).Key);

        SoqlCondition? where = null;
        if (IsKeyword("WHERE"))
        {
            pos++;
            where = ParseExpression();
        }

        var order = new List<SoqlOrder>();
        if (IsKeyword("ORDER"))
        {
            pos++;
            Expect("BY");
            do
            {
                var field = FieldOf(from, Next());
                var desc = false;
                if (IsKeyword("ASC"))
                {
                    pos++;
                }
                else if (IsKeyword("DESC"))
                {
                    pos++;
                    desc = true;
                }

                var nullsFirst = !desc;
                if (IsKeyword("NULLS"))
                {
                    pos++;
                    if (IsKeyword("FIRST"))
                        nullsFirst = true;
                    else if (IsKeyword("LAST"))
                        nullsFirst = false;
                    else
                        throw Unexpected(Peek());
                    pos++;
                }

                order.Add(new SoqlOrder(field, desc, nullsFirst));
            }
            while (TryTake(","));
        }

        int? limit = null;
        if (IsKeyword("LIMIT"))
        {
            pos++;
            limit = NonNegativeInt(Next());
        }

        var offset = 0;
        if (IsKeyword("OFFSET"))
        {
            pos++;
            offset = NonNegativeInt(Next());
        }

        if (Peek().Kind != TokenKind.End)
            throw Unexpected(Peek());
        return new SoqlQuery(from, fields, where, order, limit, offset);

        bool TryTake(string symbol)
        {
            if (Peek().Kind == TokenKind.Symbol && Peek().Text == symbol)
            {
                pos++;
                return true;
            }

            return false;
        }

        SoqlCondition ParseExpression()
        {
            var parts = new List<SoqlCondition> { ParseTerm() };
            string? conjunction = null;
            while (IsKeyword("AND") || IsKeyword("OR"))
            {
                var word = Next().Text.ToUpperInvariant();
                if (conjunction is not null && conjunction != word)
                    throw new SoqlException("MALFORMED_QUERY", $"unexpected token: '{word}' (AND and OR cannot be mixed without parentheses)");
                conjunction = word;
                parts.Add(ParseTerm());
            }

            return parts.Count == 1 ? parts[0] : conjunction == "AND" ? new SoqlAnd(parts) : new SoqlOr(parts);
        }

        SoqlCondition ParseTerm()
        {
            if (IsKeyword("NOT"))
            {
                pos++;
                return new SoqlNot(ParseTerm());
            }

            if (TryTake("("))
            {
                var inner = ParseExpression();
                if (!TryTake(")"))
                    throw Unexpected(Peek());
                return inner;
            }

            var fieldToken = Next();
            if (fieldToken.Kind != TokenKind.Identifier || IsReserved(fieldToken.Text))
                throw Unexpected(fieldToken);
            var field = FieldOf(from, fieldToken);
            var negated = false;
            if (IsKeyword("NOT"))
            {
                pos++;
                negated = true;
                if (!IsKeyword("IN"))
                    throw Unexpected(Peek());
            }

            if (IsKeyword("IN"))
            {
                pos++;
                if (!TryTake("("))
                    throw Unexpected(Peek());
                var values = new List<SoqlLiteral>();
                do
                    values.Add(Typed(field, Literal(Next())));
                while (TryTake(","));
                if (!TryTake(")"))
                    throw Unexpected(Peek());
                return new SoqlIn(field, values, negated);
            }

            if (IsKeyword("LIKE"))
            {
                pos++;
                var pattern = Next();
                if (pattern.Kind != TokenKind.String)
                    throw Unexpected(pattern);
                var regex = "^" + Regex.Escape((string)pattern.Value!).Replace("%", ".*", StringComparison.Ordinal).Replace("_", ".", StringComparison.Ordinal) + "$";
                return new SoqlLike(field, new Regex(regex, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)));
            }

            var op = Next();
            if (op.Kind != TokenKind.Symbol || op.Text is not ("=" or "!=" or "<>" or "<" or "<=" or ">" or ">="))
                throw Unexpected(op);
            return new SoqlCompare(field, op.Text == "<>" ? "!=" : op.Text, Typed(field, Literal(Next())));
        }
    }

    public static bool Matches(SalesforceRecord record, SoqlCondition? condition) => condition switch
    {
        null => true,
        SoqlAnd and => and.Parts.All(p => Matches(record, p)),
        SoqlOr or => or.Parts.Any(p => Matches(record, p)),
        SoqlNot not => !Matches(record, not.Inner),
        SoqlIn @in => @in.Values.Any(v => Equal(@in.Field, record.Get(@in.Field.Name), v)) != @in.Negated,
        SoqlLike like => record.Get(like.Field.Name) is string s && like.Pattern.IsMatch(s),
        SoqlCompare c => Compare(record.Get(c.Field.Name), c),
        _ => false,
    };

    public static List<SalesforceRecord> Execute(SoqlQuery query, IReadOnlyList<SalesforceRecord> rows)
    {
        var matched = new List<SalesforceRecord>();
        foreach (var row in rows)
        {
            if (Matches(row, query.Where))
                matched.Add(row);
        }

        if (query.OrderBy.Count > 0)
        {
            // Keys are read once per row, not per comparison; the index tie-break keeps the sort stable.
            var keys = new object?[matched.Count][];
            for (var i = 0; i < matched.Count; i++)
            {
                keys[i] = new object?[query.OrderBy.Count];
                for (var o = 0; o < query.OrderBy.Count; o++)
                    keys[i][o] = matched[i].Get(query.OrderBy[o].Field.Name);
            }

            var order = new int[matched.Count];
            for (var i = 0; i < order.Length; i++)
                order[i] = i;
            Array.Sort(order, (a, b) =>
            {
                var c = CompareKeys(keys[a], keys[b], query.OrderBy);
                return c != 0 ? c : a.CompareTo(b);
            });
            matched = [.. order.Select(i => matched[i])];
        }

        IEnumerable<SalesforceRecord> result = matched;
        if (query.Offset > 0)
            result = result.Skip(query.Offset);
        if (query.Limit is { } limit)
            result = result.Take(limit);
        return query.Offset > 0 || query.Limit is not null ? [.. result] : matched;
    }

    private static int CompareKeys(object?[] a, object?[] b, IReadOnlyList<SoqlOrder> order)
    {
        for (var o = 0; o < order.Count; o++)
        {
            var x = a[o];
            var y = b[o];
            int c;
            if (x is null || y is null)
                c = x is null && y is null ? 0 : (x is null == order[o].NullsFirst ? -1 : 1);
            else
                c = order[o].Descending ? -CompareValues(order[o].Field, x, y) : CompareValues(order[o].Field, x, y);
            if (c != 0)
                return c;
        }

        return 0;
    }

    private static bool Equal(SalesforceField field, object? actual, SoqlLiteral literal) =>
        literal.Kind == LiteralKind.Null ? actual is null : actual is not null && CompareValues(field, actual, literal.Value!) == 0;

    private static bool Compare(object? actual, SoqlCompare c)
    {
        if (c.Operator == "=")
            return Equal(c.Field, actual, c.Value);
        if (c.Operator == "!=")
            return !Equal(c.Field, actual, c.Value);
        if (actual is null || c.Value.Value is null)
            return false;
        var r = CompareValues(c.Field, actual, c.Value.Value);
        return c.Operator switch
        {
            "<" => r < 0,
            "<=" => r <= 0,
            ">" => r > 0,
            _ => r >= 0,
        };
    }

    /// <summary>
    /// Text compares case-insensitively, as SOQL does on text fields; ids (and references to them) compare ordinally,
    /// because an id's case is part of it: <c>ORDER BY SystemModstamp, Id</c> breaks ties by the exact id and
    /// <c>Id &gt; '...'</c> is the exact successor, which is what a (time, id) cursor relies on.
    /// </summary>
    internal static StringComparison TextComparison(SalesforceField field) =>
        field.Type is "id" or "reference" ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;

    private static int CompareValues(SalesforceField field, object x, object y) => (x, y) switch
    {
        (string a, string b) => string.Compare(a, b, TextComparison(field)),
        (bool a, bool b) => a.CompareTo(b),
        (DateTimeOffset a, DateTimeOffset b) => a.CompareTo(b),
        (DateOnly a, DateOnly b) => a.CompareTo(b),
        _ => Convert.ToDouble(x, CultureInfo.InvariantCulture).CompareTo(Convert.ToDouble(y, CultureInfo.InvariantCulture)),
    };

    /// <summary>SOQL types literals by the field: quoted strings for text, unquoted datetimes, and so on.</summary>
    private static SoqlLiteral Typed(SalesforceField field, SoqlLiteral literal)
    {
        if (literal.Kind == LiteralKind.Null)
            return literal;
        var ok = field.Type switch
        {
            "datetime" => literal.Kind == LiteralKind.DateTime,
            "date" => literal.Kind == LiteralKind.Date,
            "boolean" => literal.Kind == LiteralKind.Boolean,
            "int" or "double" or "currency" or "percent" => literal.Kind == LiteralKind.Number,
            _ => literal.Kind == LiteralKind.String,
        };
        // A 15-character id matches its 18-character form, and an 18-character id its canonical spelling, as in Salesforce.
        if (ok && field.Type is "id" or "reference" && SalesforceIds.Canonical(literal.Value as string) is { } canonical)
            return literal with { Value = canonical };
        if (ok)
            return literal;
        var expected = field.Type switch
        {
            "datetime" => "must be of type dateTime and should not be enclosed in quotes",
            "date" => "must be of type date and should not be enclosed in quotes",
            "boolean" => "must be of type boolean and should not be enclosed in quotes",
            "int" or "double" or "currency" or "percent" => "must be of type " + field.Type + " and should not be enclosed in quotes",
            _ => "must be of type string and should be enclosed in quotes",
        };
        throw new SoqlException("INVALID_FIELD", $"value of filter criterion for field '{field.Name}' {expected}");
    }

    private static SoqlLiteral Literal(Token token) => token.Kind switch
    {
        TokenKind.String => new SoqlLiteral(LiteralKind.String, token.Value),
        TokenKind.Number => new SoqlLiteral(LiteralKind.Number, token.Value),
        TokenKind.DateTime => new SoqlLiteral(LiteralKind.DateTime, token.Value),
        TokenKind.Date => new SoqlLiteral(LiteralKind.Date, token.Value),
        TokenKind.Identifier when token.Text.Equals("null", StringComparison.OrdinalIgnoreCase) => new SoqlLiteral(LiteralKind.Null, null),
        TokenKind.Identifier when token.Text.Equals("true", StringComparison.OrdinalIgnoreCase) => new SoqlLiteral(LiteralKind.Boolean, true),
        TokenKind.Identifier when token.Text.Equals("false", StringComparison.OrdinalIgnoreCase) => new SoqlLiteral(LiteralKind.Boolean, false),
        _ => throw Unexpected(token),
    };

    private static SalesforceField FieldOf(SalesforceObject from, Token token)
    {
        if (token.Kind != TokenKind.Identifier || IsReserved(token.Text))
            throw Unexpected(token);
        return from.Field(token.Text) ?? throw new SoqlException("INVALID_FIELD",
            $"No such column '{token.Text}' on entity '{from.Name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.");
    }

    private static int NonNegativeInt(Token token) =>
        token.Kind == TokenKind.Number && token.Value is double d && d >= 0 && d == Math.Floor(d) && d <= int.MaxValue ? (int)d : throw Unexpected(token);

    private static bool IsReserved(string word) => word.ToUpperInvariant() is
        "SELECT" or "FROM" or "WHERE" or "AND" or "OR" or "NOT" or "IN" or "LIKE" or "ORDER" or "BY" or "LIMIT" or "OFFSET" or "ASC" or "DESC" or "NULLS" or "NULL" or "TRUE" or "FALSE";

    private static SoqlException Unexpected(Token token) => token.Kind == TokenKind.End
        ? new SoqlException("MALFORMED_QUERY", "unexpected end of query")
        : new SoqlException("MALFORMED_QUERY", $"unexpected token: '{token.Text}' at position {token.Position + 1}");

    private static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }

            var start = i;
            if (c == '\'')
            {
                var sb = new StringBuilder();
                i++;
                var closed = false;
                while (i < text.Length)
                {
                    var ch = text[i];
                    if (ch == '\\')
                    {
                        if (i + 1 >= text.Length)
                            break;
                        var esc = text[i + 1];
                        sb.Append(esc switch
                        {
                            'n' => '\n',
                            't' => '\t',
                            'r' => '\r',
                            'b' => '\b',
                            'f' => '\f',
                            '\'' or '"' or '\\' or '_' or '%' => esc,
                            _ => throw new SoqlException("MALFORMED_QUERY", $"Invalid string literal: illegal escape sequence \\{esc}"),
                        });
                        i += 2;
                        continue;
                    }

                    if (ch == '\'')
                    {
                        closed = true;
                        i++;
                        break;
                    }

                    sb.Append(ch);
                    i++;
                }

                if (!closed)
                    throw new SoqlException("MALFORMED_QUERY", "unterminated string literal starting at position " + (start + 1).ToString(CultureInfo.InvariantCulture));
                tokens.Add(new Token(TokenKind.String, text[start..i], sb.ToString(), start));
                continue;
            }

            if (char.IsAsciiDigit(c) || ((c == '-' || c == '+') && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1]) && PreviousIsOperator(tokens)))
            {
                i++;
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '-' or ':' or '.' or '+'))
                    i++;
                var raw = text[start..i];
                tokens.Add(ClassifyNumberLike(raw, start));
                continue;
            }

            if (char.IsAsciiLetter(c) || c == '_')
            {
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '_' or '.'))
                    i++;
                tokens.Add(new Token(TokenKind.Identifier, text[start..i], null, start));
                continue;
            }

            if (c is '<' or '>' or '!' && i + 1 < text.Length && (text[i + 1] == '=' || (c == '<' && text[i + 1] == '>')))
            {
                tokens.Add(new Token(TokenKind.Symbol, text.Substring(i, 2), null, start));
                i += 2;
                continue;
            }

            if (c is '=' or '<' or '>' or '(' or ')' or ',')
            {
                tokens.Add(new Token(TokenKind.Symbol, c.ToString(), null, start));
                i++;
                continue;
            }

            throw new SoqlException("MALFORMED_QUERY", $"unexpected character '{c}' at position {start + 1}");
        }

        tokens.Add(new Token(TokenKind.End, string.Empty, null, text.Length));
        return tokens;
    }

    private static bool PreviousIsOperator(List<Token> tokens) =>
        tokens.Count > 0 && tokens[^1].Kind == TokenKind.Symbol && tokens[^1].Text != ")";

    private static Token ClassifyNumberLike(string raw, int position)
    {
        if (raw.Length >= 10 && raw[4] == '-' && raw.Contains('T', StringComparison.Ordinal))
        {
            var normalized = Regex.Replace(raw, @"([+-]\d{2})(\d{2})$", "$1:$2", RegexOptions.None, TimeSpan.FromSeconds(1));
            if (DateTimeOffset.TryParseExact(normalized, DateTimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var dt))
                return new Token(TokenKind.DateTime, raw, dt.ToUniversalTime(), position);
            throw new SoqlException("MALFORMED_QUERY", $"line 1:{position} no viable alternative at character: invalid datetime literal '{raw}'");
        }

        if (raw.Length == 10 && raw[4] == '-' && DateOnly.TryParseExact(raw, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            return new Token(TokenKind.Date, raw, date, position);
        if (double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            return new Token(TokenKind.Number, raw, number, position);
        throw new SoqlException("MALFORMED_QUERY", $"unexpected token: '{raw}' at position {position + 1}");
    }
}
