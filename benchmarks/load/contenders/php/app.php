<?php
// The PHP contender: one front script for every shape of benchmarks/load/run.sh, routed on
// REQUEST_URI, answering the same bytes as every other contender.
$path = strtok($_SERVER['REQUEST_URI'], '?');
$method = $_SERVER['REQUEST_METHOD'];

function answer_json($value)
{
    header('Content-Type: application/json; charset=utf-8');
    echo json_encode($value);
}

function bad_request($message)
{
    http_response_code(400);
    header('Content-Type: text/plain; charset=utf-8');
    echo $message;
}

if ($path === '/hello') {
    header('Content-Type: text/plain; charset=utf-8');
    echo 'Hello, World!';
} elseif (preg_match('#^/users/(-?[0-9]+)$#', $path, $m)) {
    $id = (int)$m[1];
    answer_json(['id' => $id, 'name' => "user$id", 'email' => "user$id@example.com", 'active' => true]);
} elseif ($path === '/json' && $method === 'POST') {
    $order = json_decode(file_get_contents('php://input'), true);
    if (!is_array($order) || !isset($order['items']) || !is_array($order['items'])) {
        bad_request('bad order');
        return;
    }
    $quantity = 0;
    $total = 0;
    foreach ($order['items'] as $item) {
        $quantity += $item['quantity'];
        $total += $item['quantity'] * $item['price'];
    }
    answer_json(['id' => $order['id'], 'customer' => $order['customer'], 'items' => count($order['items']),
                 'quantity' => $quantity, 'total' => $total]);
} elseif ($path === '/form' && $method === 'POST') {
    $f = $_POST;
    $age = filter_var($f['age'] ?? null, FILTER_VALIDATE_INT);
    $seats = filter_var($f['seats'] ?? null, FILTER_VALIDATE_INT);
    $newsletter = filter_var($f['newsletter'] ?? null, FILTER_VALIDATE_BOOLEAN, FILTER_NULL_ON_FAILURE);
    foreach (['name', 'email', 'city', 'country', 'lang', 'plan', 'comment'] as $key) {
        if (!isset($f[$key])) {
            bad_request('bad form');
            return;
        }
    }
    if ($age === false || $seats === false || $newsletter === null) {
        bad_request('bad form');
        return;
    }
    answer_json(['name' => $f['name'], 'email' => $f['email'], 'age' => $age, 'city' => $f['city'],
                 'country' => $f['country'], 'lang' => $f['lang'], 'newsletter' => $newsletter,
                 'plan' => $f['plan'], 'seats' => $seats, 'comment' => $f['comment']]);
} elseif (preg_match('#^/bytes/([0-9]+)$#', $path, $m)) {
    $n = (int)$m[1];
    if ($n > 1048576) {
        bad_request('n must be between 0 and 1048576.');
        return;
    }
    // Built per request: PHP keeps nothing between requests without an extension (opcache keeps
    // only compiled code), so this is what a plain PHP application pays.
    $payload = str_repeat('0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_', intdiv($n + 63, 64));
    header('Content-Type: application/octet-stream');
    echo substr($payload, 0, $n);
} elseif ($path === '/upload' && $method === 'POST') {
    $in = fopen('php://input', 'rb');
    $bytes = 0;
    $sum = 0;
    while (!feof($in)) {
        $chunk = fread($in, 65536);
        $length = strlen($chunk);
        for ($i = 0; $i < $length; $i++) {
            $sum += ord($chunk[$i]);
        }
        $bytes += $length;
    }
    answer_json(['bytes' => $bytes, 'sum' => $sum]);
} else {
    http_response_code(404);
    header('Content-Type: text/plain; charset=utf-8');
    echo 'Not Found';
}
