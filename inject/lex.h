/* lex.h - the stap tokenizer (pass 1, below the preprocessor).
 *
 * A hand-written scanner over the in-memory source buffer. Tokens point into
 * the buffer; only string literals (unescaped) and embedded C need arena
 * copies. Keywords are recognised here; in probe-point context the parser
 * accepts them as plain names again (kernel.function("f").return).
 */
#ifndef INJECT_LEX_H
#define INJECT_LEX_H

#include "arena.h"
#include "diag.h"

#include <stdint.h>

/* Token kinds: enum, spelling (punctuators and keywords are their own text;
 * longest operators first is not needed, the scanner is explicit). */
#define TOKEN_LIST(X)                                                        \
	X(T_EOF, "end of input") X(T_IDENT, "identifier")                    \
	X(T_NUM, "number") X(T_STR, "string")                                \
	X(T_TARGET, "target variable")	/* $name, $$vars, $name$ */          \
	X(T_AT, "@-operator")		/* @cast, @count, macro @name */     \
	X(T_ARG, "script argument")	/* $1 $# (num = index, -1 for #) */  \
	X(T_ATARG, "script argument")	/* @1 @# */                          \
	X(T_EMBEDDED, "embedded C")	/* %{ ... %}: str is the code */     \
	X(T_PP_OPEN, "%(") X(T_PP_THEN, "%?") X(T_PP_ELSE, "%:")             \
	X(T_PP_CLOSE, "%)")                                                  \
	X(T_LPAREN, "(") X(T_RPAREN, ")") X(T_LBRACKET, "[")                 \
	X(T_RBRACKET, "]") X(T_LBRACE, "{") X(T_RBRACE, "}")                 \
	X(T_COMMA, ",") X(T_SEMI, ";") X(T_COLON, ":") X(T_QUESTION, "?")    \
	X(T_DOT, ".") X(T_PLUS, "+") X(T_MINUS, "-") X(T_STAR, "*")          \
	X(T_SLASH, "/") X(T_PERCENT, "%") X(T_AMP, "&") X(T_PIPE, "|")       \
	X(T_CARET, "^") X(T_TILDE, "~") X(T_BANG, "!") X(T_ASSIGN, "=")      \
	X(T_LT, "<") X(T_GT, ">") X(T_INC, "++") X(T_DEC, "--")              \
	X(T_SHL, "<<") X(T_SHR, ">>") X(T_LE, "<=") X(T_GE, ">=")            \
	X(T_EQ, "==") X(T_NE, "!=") X(T_ANDAND, "&&") X(T_OROR, "||")        \
	X(T_ADD_ASSIGN, "+=") X(T_SUB_ASSIGN, "-=") X(T_MUL_ASSIGN, "*=")    \
	X(T_DIV_ASSIGN, "/=") X(T_MOD_ASSIGN, "%=") X(T_SHL_ASSIGN, "<<=")   \
	X(T_SHR_ASSIGN, ">>=") X(T_AND_ASSIGN, "&=") X(T_OR_ASSIGN, "|=")    \
	X(T_XOR_ASSIGN, "^=") X(T_CAT_ASSIGN, ".=") X(T_MATCH, "=~")         \
	X(T_NOMATCH, "!~") X(T_STAT_ADD, "<<<") X(T_ARROW, "->")             \
	KEYWORD_LIST(X)

#define KEYWORD_LIST(X)                                                      \
	X(K_PROBE, "probe") X(K_GLOBAL, "global") X(K_FUNCTION, "function")  \
	X(K_PRIVATE, "private") X(K_IF, "if") X(K_ELSE, "else")              \
	X(K_WHILE, "while") X(K_FOR, "for") X(K_FOREACH, "foreach")          \
	X(K_IN, "in") X(K_LIMIT, "limit") X(K_RETURN, "return")              \
	X(K_DELETE, "delete") X(K_BREAK, "break") X(K_CONTINUE, "continue")  \
	X(K_NEXT, "next") X(K_TRY, "try") X(K_CATCH, "catch")

enum tok {
#define X(e, s) e,
	TOKEN_LIST(X)
#undef X
	T_COUNT
};
extern const char *const tok_spelling[];

/* 48 bytes: every token is copied a few times on its way to the parser,
 * and macro bodies keep theirs (num and str never serve the same kind). */
struct token {
	struct loc loc;		/* loc.len is the spelling's length */
	const char *text;	/* spelling, in the source buffer (loc.len bytes) */
	union {
		int64_t num;	/* T_NUM value; T_ARG/T_ATARG index (-1: '#') */
		const char *str;	/* T_STR unescaped (arena); T_EMBEDDED code */
	};
	enum tok kind;
	int space_before;	/* whitespace or a comment precedes it */
};

struct lexer {
	struct arena *arena;
	const struct src_file *src;
	const char *p, *end;
	const char *line_start;
	int line;
};

void lex_init(struct lexer *lx, struct arena *a, const struct src_file *src);
/* Scan the next token. Lexical errors are reported and skipped over. */
void lex_next(struct lexer *lx, struct token *t);
/* Is this token a keyword (usable as a name in probe points)? */
int lex_is_keyword(enum tok k);
/* Can s be spelled as a plain identifier (and is not a keyword)? */
int lex_is_identifier(const char *s);

#endif
