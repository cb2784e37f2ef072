-- Turns of one ask-box session, oldest first.
SELECT *
FROM {{ ops }}.conversations
WHERE session_id = :session_id
ORDER BY turn
LIMIT 50
