package io.aideploy.labels;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Lexer and recursive-descent parser with the exact behaviour of apimachinery's {@code
 * labels.Parse} (v0.35), including its oddities, so that a selector means here what it means to the
 * API server.
 */
final class SelectorParser {
  private enum Kind {
    END,
    IDENTIFIER,
    IN,
    NOT_IN,
    NOT,
    EQUALS,
    DOUBLE_EQUALS,
    NOT_EQUALS,
    GREATER,
    LESS,
    OPEN,
    CLOSE,
    COMMA
  }

  private record Token(Kind kind, String text, int position) {
    String describe() {
      return kind == Kind.END ? "end of string" : "'" + Messages.quote(text) + "'";
    }
  }

  private final String text;
  private final List<Token> tokens;
  private int next;

  private SelectorParser(String text) {
    this.text = text;
    this.tokens = new Lexer(text).tokens();
  }

  /** The requirements of {@code text}, in the order written. */
  static List<Requirement> parse(String text) {
    return new SelectorParser(text).selector();
  }

  // --- lexer ---------------------------------------------------------------------------------

  /**
   * Splits the text like the Go lexer, which reads bytes: a NUL char ends the text where a token
   * may start, and ends a token without being put back. Non-ASCII chars are never special, as no
   * byte of a multi-byte UTF-8 sequence is, so working on chars gives the same tokens.
   */
  private static final class Lexer {
    private final String s;
    private int pos;

    Lexer(String s) {
      this.s = s;
    }

    List<Token> tokens() {
      List<Token> out = new ArrayList<>();
      Token token;
      do {
        token = lex();
        out.add(token);
      } while (token.kind != Kind.END);
      return out;
    }

    private char read() {
      return pos < s.length() ? s.charAt(pos++) : 0;
    }

    private Token lex() {
      int start;
      char ch;
      do {
        start = pos;
        ch = read();
      } while (isWhitespace(ch));
      if (ch == 0) {
        return new Token(Kind.END, "", start);
      }
      pos = start;
      return isSpecial(ch) ? symbol(start) : word(start);
    }

    private Token word(int start) {
      int end;
      while (true) {
        end = pos;
        char ch = read();
        if (ch == 0) {
          break;
        }
        if (isSpecial(ch) || isWhitespace(ch)) {
          pos--;
          break;
        }
      }
      String word = s.substring(start, end);
      Kind kind =
          switch (word) {
            case "in" -> Kind.IN;
            case "notin" -> Kind.NOT_IN;
            default -> Kind.IDENTIFIER;
          };
      return new Token(kind, word, start);
    }

    /** The longest operator at {@code start}, reading one special char past it as Go does. */
    private Token symbol(int start) {
      Kind longest = null;
      int longestEnd = start;
      while (true) {
        char ch = read();
        if (ch == 0) {
          break;
        }
        if (!isSpecial(ch)) {
          pos--;
          break;
        }
        Kind kind = symbolKind(s.substring(start, pos));
        if (kind != null) {
          longest = kind;
          longestEnd = pos;
        } else if (longest != null) {
          pos--;
          break;
        }
      }
      // Every special char is an operator on its own, so longest is never null here.
      return new Token(longest, s.substring(start, longestEnd), start);
    }

    private static Kind symbolKind(String symbol) {
      return switch (symbol) {
        case "(" -> Kind.OPEN;
        case ")" -> Kind.CLOSE;
        case "," -> Kind.COMMA;
        case "!" -> Kind.NOT;
        case "=" -> Kind.EQUALS;
        case "==" -> Kind.DOUBLE_EQUALS;
        case "!=" -> Kind.NOT_EQUALS;
        case ">" -> Kind.GREATER;
        case "<" -> Kind.LESS;
        default -> null;
      };
    }

    private static boolean isWhitespace(char ch) {
      return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
    }

    private static boolean isSpecial(char ch) {
      return ch == '=' || ch == '!' || ch == '(' || ch == ')' || ch == ',' || ch == '>'
          || ch == '<';
    }
  }

  // --- parser --------------------------------------------------------------------------------

  /** The next token; where a value may stand, the words in and notin are plain identifiers. */
  private Token peek() {
    Token token = tokens.get(next);
    return token.kind == Kind.IN || token.kind == Kind.NOT_IN
        ? new Token(Kind.IDENTIFIER, token.text, token.position)
        : token;
  }

  private Token take() {
    Token token = peek();
    next++;
    return token;
  }

  /** Like {@link #take()}, but keeps in and notin as operators. */
  private Token takeOperator() {
    return tokens.get(next++);
  }

  private List<Requirement> selector() {
    List<Requirement> requirements = new ArrayList<>();
    while (true) {
      Token token = peek();
      switch (token.kind) {
        case IDENTIFIER, NOT -> {
          requirements.add(requirement());
          Token after = take();
          if (after.kind == Kind.END) {
            return requirements;
          }
          if (after.kind != Kind.COMMA) {
            throw error(after, "found " + after.describe() + ", expected ',' or end of string");
          }
          Token following = peek();
          if (following.kind != Kind.IDENTIFIER && following.kind != Kind.NOT) {
            throw error(following, "found " + following.describe() + ", expected a key after ','");
          }
        }
        case END -> {
          return requirements;
        }
        default ->
            throw error(
                token, "found " + token.describe() + ", expected '!', a key or end of string");
      }
    }
  }

  private Requirement requirement() {
    Token token = take();
    boolean absent = token.kind == Kind.NOT;
    if (absent) {
      token = take();
    }
    if (token.kind != Kind.IDENTIFIER) {
      throw error(token, "found " + token.describe() + ", expected a key");
    }
    String key = token.text;
    String problem = LabelSyntax.keyProblem(key);
    if (problem != null) {
      throw error(token, "invalid key '" + Messages.quote(key) + "': " + problem);
    }
    if (absent) {
      // Whatever follows '!key' is left to the caller, which refuses anything but ',' or the end.
      return Requirement.of(key, Operator.DOES_NOT_EXIST, new TreeSet<>());
    }
    Kind following = peek().kind;
    if (following == Kind.END || following == Kind.COMMA) {
      return Requirement.of(key, Operator.EXISTS, new TreeSet<>());
    }
    Token operatorToken = takeOperator();
    Operator operator =
        switch (operatorToken.kind) {
          case IN -> Operator.IN;
          case NOT_IN -> Operator.NOT_IN;
          case EQUALS -> Operator.EQUALS;
          case DOUBLE_EQUALS -> Operator.DOUBLE_EQUALS;
          case NOT_EQUALS -> Operator.NOT_EQUALS;
          case GREATER -> Operator.GREATER_THAN;
          case LESS -> Operator.LESS_THAN;
          default ->
              throw error(
                  operatorToken,
                  "found "
                      + operatorToken.describe()
                      + " after key '"
                      + Messages.quote(key)
                      + "', expected one of: in, notin, =, ==, !=, >, <");
        };
    // Each value with the position where it was written (first time), for error messages.
    SortedMap<String, Integer> values =
        operator == Operator.IN || operator == Operator.NOT_IN ? valueSet() : exactValue();
    if ((operator == Operator.GREATER_THAN || operator == Operator.LESS_THAN)
        && !LabelSyntax.isInt64(values.firstKey())) {
      throw error(
          values.get(values.firstKey()),
          "value '"
              + Messages.quote(values.firstKey())
              + "' of key '"
              + Messages.quote(key)
              + "' must be an integer for '>' and '<'");
    }
    for (var value : values.entrySet()) {
      String valueProblem = LabelSyntax.valueProblem(value.getKey());
      if (valueProblem != null) {
        throw error(
            value.getValue(),
            "invalid value '"
                + Messages.quote(value.getKey())
                + "' for key '"
                + Messages.quote(key)
                + "': "
                + valueProblem);
      }
    }
    return Requirement.of(key, operator, new TreeSet<>(values.keySet()));
  }

  /** {@code (a,b)}; empty entries, as in {@code ()} or {@code (a,)}, stand for the empty value. */
  private SortedMap<String, Integer> valueSet() {
    Token open = take();
    if (open.kind != Kind.OPEN) {
      throw error(open, "found " + open.describe() + ", expected '('");
    }
    Token first = peek();
    switch (first.kind) {
      case CLOSE -> {
        return emptyValue(take());
      }
      case IDENTIFIER, COMMA -> {
        SortedMap<String, Integer> values = valueList();
        Token close = take();
        if (close.kind != Kind.CLOSE) {
          throw error(close, "found " + close.describe() + ", expected ')'");
        }
        return values;
      }
      default -> throw error(first, "found " + first.describe() + ", expected a value, ',' or ')'");
    }
  }

  /** Values up to, not including, the closing parenthesis. */
  private SortedMap<String, Integer> valueList() {
    SortedMap<String, Integer> values = new TreeMap<>();
    while (true) {
      Token token = take();
      switch (token.kind) {
        case IDENTIFIER -> {
          values.putIfAbsent(token.text, token.position);
          Token following = peek();
          if (following.kind == Kind.CLOSE) {
            return values;
          }
          if (following.kind != Kind.COMMA) {
            throw error(following, "found " + following.describe() + ", expected ',' or ')'");
          }
        }
        case COMMA -> {
          if (values.isEmpty()) {
            values.put("", token.position);
          }
          Token following = peek();
          if (following.kind == Kind.CLOSE) {
            values.putIfAbsent("", following.position);
            return values;
          }
          if (following.kind == Kind.COMMA) {
            values.putIfAbsent("", following.position);
          }
        }
        default -> throw error(token, "found " + token.describe() + ", expected a value or ','");
      }
    }
  }

  /** The value after {@code =}, {@code ==}, {@code !=}, {@code >} or {@code <}; may be empty. */
  private SortedMap<String, Integer> exactValue() {
    Token following = peek();
    if (following.kind == Kind.END || following.kind == Kind.COMMA) {
      return emptyValue(following);
    }
    Token token = take();
    if (token.kind != Kind.IDENTIFIER) {
      throw error(token, "found " + token.describe() + ", expected a value");
    }
    SortedMap<String, Integer> values = new TreeMap<>();
    values.put(token.text, token.position);
    return values;
  }

  private static SortedMap<String, Integer> emptyValue(Token where) {
    SortedMap<String, Integer> values = new TreeMap<>();
    values.put("", where.position);
    return values;
  }

  private SelectorSyntaxException error(Token token, String problem) {
    return error(token.position, problem);
  }

  private SelectorSyntaxException error(int position, String problem) {
    return new SelectorSyntaxException(
        "invalid label selector \""
            + Messages.quote(text)
            + "\": at position "
            + position
            + ": "
            + problem,
        position);
  }
}
