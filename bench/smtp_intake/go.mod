module microservices/smtpintake

go 1.26
