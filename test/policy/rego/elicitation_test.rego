# Secret heuristics on the folded texts of an elicitation (details.folded_*, built by
# src/input/elicitation-texts.ts): one allow and one deny per behaviour.
package mcp_test

import data.mcp

form(message, texts) := elicitation({"mode": "form", "fields": [], "field_labels": [], "folded_message": message, "folded_texts": texts, "folded_truncated": false})

url_form(message) := elicitation({"mode": "url", "url_host": "example.com", "folded_message": message, "folded_truncated": false})

secret(d) if denied(d, "elicitation_secret_field")

test_password_asked_only_in_the_message_is_denied if {
	secret(mcp.decision) with input as form("please enter your password to continue", ["value"])
}

test_harmless_message_is_allowed if {
	allowed(mcp.decision) with input as form("what is your favourite colour", ["colour", "your favourite colour"])
}

test_word_parts_are_joined_for_patterns if {
	secret(mcp.decision) with input as form("", ["pass_word"])
	secret(mcp.decision) with input as form("", ["p_a_s_s_w_o_r_d"])
	secret(mcp.decision) with input as form("", ["one_time code"])
}

test_patterns_do_not_join_across_words if {
	# `make your` must not read as `makeyour` ⊃ `key`.
	allowed(mcp.decision) with input as form("make your choice", ["choice"])
}

test_short_words_match_whole_words_and_word_parts if {
	secret(mcp.decision) with input as form("", ["pin"])
	secret(mcp.decision) with input as form("", ["user_pin"])
	secret(mcp.decision) with input as form("enter the 2fa code we sent", [])
	secret(mcp.decision) with input as form("", ["otp"])
	secret(mcp.decision) with input as form("", ["cvv_2"])
	secret(mcp.decision) with input as form("", ["ssn last_4"])
	secret(mcp.decision) with input as form("", ["pi_n"])
	secret(mcp.decision) with input as form("", ["o_t_p"])
}

test_short_words_inside_other_words_are_allowed if {
	allowed(mcp.decision) with input as form("choose a spinner speed", ["spinner_speed", "opinion", "shipping address", "topic"])
}

test_form_texts_include_enum_titles_and_defaults if {
	secret(mcp.decision) with input as form("pick one", ["choice", "my seed phrase", "recovery code"])
}

test_url_mode_message_is_not_checked_by_default if {
	allowed(mcp.decision) with input as url_form("sign in and enter your password on the page")
}

test_url_mode_message_is_checked_when_data_asks if {
	secret(mcp.decision) with input as url_form("reply with your password") with data.elicitation as {"check_url_message": true}
	allowed(mcp.decision) with input as url_form("open the dashboard") with data.elicitation as {"check_url_message": true}
}

test_cut_texts_are_denied if {
	denied(mcp.decision, "elicitation_text_unchecked") with input as elicitation({"mode": "form", "folded_message": "x", "folded_texts": [], "folded_truncated": true})
}

test_cut_url_message_is_allowed_unless_checked if {
	allowed(mcp.decision) with input as elicitation({"mode": "url", "folded_message": "x", "folded_truncated": true})
	denied(mcp.decision, "elicitation_text_unchecked") with input as elicitation({"mode": "url", "folded_message": "x", "folded_truncated": true})
		with data.elicitation as {"check_url_message": true}
}

test_user_patterns_are_folded_like_the_text if {
	secret(mcp.decision) with input as form("", ["member_number"]) with data.elicitation as {"secret_field_patterns": ["Member-Number"]}
	secret(mcp.decision) with input as form("your member number", []) with data.elicitation as {"secret_field_patterns": ["member number"]}
	allowed(mcp.decision) with input as form("", ["member"]) with data.elicitation as {"secret_field_patterns": ["member number"]}
}

test_user_words_replace_the_default_words if {
	secret(mcp.decision) with input as form("", ["tan"]) with data.elicitation as {"secret_words": ["TAN"]}
	allowed(mcp.decision) with input as form("", ["pin"]) with data.elicitation as {"secret_words": ["tan"]}
}

test_non_ascii_patterns_are_invalid if {
	invalid(mcp.decision, "data.elicitation.secret_field_patterns entry `пароль` must be ASCII letters and digits, optionally separated by single spaces, `_`, `-` or `.`") with input as base
		with data.elicitation as {"secret_field_patterns": ["пароль"]}
	invalid(mcp.decision, "data.elicitation.secret_words entry `a  b` must be ASCII letters and digits, optionally separated by single spaces, `_`, `-` or `.`") with input as base
		with data.elicitation as {"secret_words": ["a  b"]}
}

test_mistyped_secret_words_and_url_switch_are_invalid if {
	invalid(mcp.decision, "data.elicitation.secret_words must be a list of strings") with input as base
		with data.elicitation as {"secret_words": "pin"}
	invalid(mcp.decision, "data.elicitation.check_url_message must be a boolean") with input as base
		with data.elicitation as {"check_url_message": "yes"}
}
